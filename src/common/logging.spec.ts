import { prettyLogs } from './logging.js';

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
