import pino from 'pino';
import { pinoOptions, prettyLogs } from './logging.js';

describe('prettyLogs', () => {
  it.each([
    ['auto', true, true],
    ['auto', false, false],
    ['pretty', false, true],
    ['pretty', true, true],
    ['json', true, false],
    ['json', false, false],
  ] as const)(
    'should choose LOG_FORMAT=%s with stdout a terminal: %s → pretty: %s',
    (format, terminal, expected) => {
      expect(prettyLogs(format, terminal)).toBe(expected);
    },
  );
});

describe('pinoOptions', () => {
  it('should write no credential a log call passes: fields, headers, SQL parameters', () => {
    const lines: string[] = [];
    const logger = pino(pinoOptions('debug'), { write: (line: string) => lines.push(line) });
    const failed = Object.assign(new Error('insert failed'), {
      query: 'INSERT INTO t VALUES ($1)',
      parameters: ['param-secret-1'],
    });
    logger.info(
      {
        password: 'pw-secret-1',
        user: { password: 'pw-secret-2', email: 'a@example.com' },
        token: 'token-secret-1',
        body: { newPassword: 'pw-secret-3', currentPassword: 'pw-secret-4' },
        key: 'key-secret-1',
        req: { headers: { authorization: 'Bearer key-secret-2', cookie: 'c=cookie-secret-1' } },
        res: { headers: { 'set-cookie': 'c=cookie-secret-2' } },
      },
      'something',
    );
    logger.error({ err: failed }, 'failed');
    const text = lines.join('');
    for (const secret of [
      'pw-secret-1',
      'pw-secret-2',
      'pw-secret-3',
      'pw-secret-4',
      'token-secret-1',
      'key-secret-1',
      'key-secret-2',
      'cookie-secret-1',
      'cookie-secret-2',
      'param-secret-1',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('a@example.com');
    expect(text).toContain('insert failed');
  });
});
