import { randomUUID } from 'node:crypto';
import { cleanEnv, NodeProcess } from './utils/child-process.js';
import { openDataSource, waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { freePort } from './utils/free-port.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

interface LogLine {
  level: string;
  msg: string;
  req?: { id: string; method: string; path: string };
  res?: { statusCode: number };
  requestId?: string;
}

/** The built server's own stdout: one JSON object per line, one line per request. */
describe('logs', () => {
  let db: TestDatabase;
  let server: NodeProcess;
  let baseUrl: string;
  let port: number;
  let siteId: string;
  let lines: LogLine[];
  const fingerprint = 'fp-log-check-4f9d2c';
  const clientIp = '203.0.113.77';

  const track = (body: unknown, requestId: string) =>
    fetch(`${baseUrl}/track`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': CHROME_UA,
        'X-Forwarded-For': clientIp,
        'X-Request-Id': requestId,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    const setup = await openDataSource(db.url);
    siteId = (await makeSite(setup)).id;
    await setup.destroy();
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = new NodeProcess(
      'dist/src/main.js',
      [],
      cleanEnv({
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        TRUST_PROXY: '1',
        LOG_LEVEL: 'debug',
        CREATE_DEMO_SITE: 'false',
      }),
    );
    await waitFor('GET /health/live to answer 200', async () => {
      try {
        return (await fetch(`${baseUrl}/health/live`)).status === 200;
      } catch {
        return false;
      }
    });

    const health = await fetch(`${baseUrl}/health`, { headers: { 'X-Request-Id': 'probe-1' } });
    expect(health.status).toBe(200);
    expect(
      (await fetch(`${baseUrl}/no-such-page`, { headers: { 'X-Request-Id': 'lost-1' } })).status,
    ).toBe(404);
    expect((await track(makeEvent(siteId, { fingerprint }), 'stored-1')).status).toBe(202);
    expect(
      (await track({ ...makeEvent(siteId, { fingerprint }), url: 'nope' }, 'refused-1')).status,
    ).toBe(400);
    // Credentials and referrer queries, in a stored event and in refused ones.
    const privateUrls = {
      url: 'https://log-user:log-pass-7d1@example.com/private',
      referrer: 'https://ref-user:ref-pass-9c2@mail.example.org/inbox?token=log-token-3e8',
    };
    expect((await track(makeEvent(siteId, privateUrls), 'private-1')).status).toBe(202);
    expect(
      (await track(makeEvent(siteId, { ...privateUrls, screen_width: -1 }), 'private-2')).status,
    ).toBe(400);
    expect((await track(makeEvent(randomUUID(), privateUrls), 'private-3')).status).toBe(404);

    const exit = await server.stop('SIGTERM', 15_000);
    expect(exit.code, exit.stderr).toBe(0);
    lines = exit.stdout
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as LogLine);
  }, 60_000);

  afterAll(async () => {
    if (server?.running) await server.stop('SIGKILL', 5_000);
    await db?.drop();
  });

  it('should announce the start as one JSON line with the address, when stdout is not a terminal', () => {
    const started = lines.filter((line) => line.msg === 'Trackveil is running.');
    expect(started).toEqual([
      expect.objectContaining({
        level: 'info',
        listening: `http://127.0.0.1:${port}`,
        publicUrl: `http://localhost:${port}`,
        activeSites: 1,
      }),
    ]);
    expect(started[0]).not.toHaveProperty('demoSite');
  });

  it('should log a request with the X-Request-Id it was given, its method, path and status', () => {
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'request completed',
        req: { id: 'probe-1', method: 'GET', path: '/health' },
        res: { statusCode: 200 },
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        req: expect.objectContaining({ id: 'lost-1' }),
        res: { statusCode: 404 },
      }),
    );
  });

  it('should log a refused event with its request id and no request line for a stored one', () => {
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'Request refused.', requestId: 'refused-1' }),
    );
    expect(JSON.stringify(lines)).not.toContain('stored-1');
  });

  it('should log neither bodies, fingerprints, client addresses nor headers', () => {
    const text = JSON.stringify(lines);
    expect(text).not.toContain(fingerprint);
    expect(text).not.toContain(clientIp);
    expect(text).not.toContain('203.0.113');
    expect(text).not.toContain(CHROME_UA);
    expect(text).not.toContain('example.com/pricing');
    for (const secret of ['log-user', 'log-pass', 'ref-user', 'ref-pass', 'log-token', 'inbox']) {
      expect(text).not.toContain(secret);
    }
  });
});
