import pg from 'pg';
import { cleanEnv, type Finished, NodeProcess } from './utils/child-process.js';
import { waitFor } from './utils/data-source.js';
import { freePort } from './utils/free-port.js';
import { hasScript, plain, TerminalProcess } from './utils/terminal.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const SERVER = 'dist/src/main.js';
const RUNNING = 'Trackveil is running.';

/** What a JSON log line is: an object on one line. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The built server's start as a person sees it at a terminal (pretty logs and a short block
 * saying where it listens and what to paste) and as a log collector sees it (JSON lines only).
 */
describe('the start of the server', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let port: number;
  let demoSiteId: string;

  const env = (overrides: Record<string, string> = {}) =>
    cleanEnv({ DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', ...overrides });

  const notFound = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/no-such-page`);
    expect(res.status).toBe(404);
  };

  /** Runs the server with stdout a pipe until its start is announced, then stops it. */
  const runPiped = async (overrides: Record<string, string>): Promise<Finished> => {
    const server = new NodeProcess(SERVER, [], env(overrides));
    try {
      await waitFor('the start to be announced', () => server.stdout.includes(RUNNING), {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      await notFound();
      const exit = await server.stop('SIGTERM', 15_000);
      expect(exit.code, exit.stderr).toBe(0);
      return exit;
    } finally {
      if (server.running) await server.stop('SIGKILL', 5_000);
    }
  };

  /** The same with stdout a pseudo-terminal; the output without colours. */
  const runInTerminal = async (overrides: Record<string, string>): Promise<string> => {
    const server = new TerminalProcess(SERVER, env(overrides));
    try {
      await waitFor('the start to be announced', () => plain(server.output).includes(RUNNING), {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      await notFound();
      await waitFor('the request to be logged', () => server.output.includes('no-such-page'));
    } finally {
      await server.stop(15_000);
    }
    return plain(server.output);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    port = await freePort();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('should end the first start with a plain block naming the address, the demo site snippet and its test page, with LOG_FORMAT=pretty', async () => {
    const { stdout } = await runPiped({ LOG_FORMAT: 'pretty' });

    const { rows } = await client.query<{ id: string; name: string; domain: string }>(
      'SELECT id, name, domain FROM sites',
    );
    expect(rows).toEqual([{ id: expect.any(String), name: 'Demo site', domain: 'localhost' }]);
    demoSiteId = rows[0].id;

    const lines = stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        RUNNING,
        `  Listening on   http://127.0.0.1:${port}`,
        `  Public URL     http://localhost:${port} (set PUBLIC_URL to the address browsers use)`,
        `  Dashboard      http://localhost:${port}/ (sign up, add your site, paste its snippet)`,
        `  Demo site      <script async src="http://localhost:${port}/tracker.min.js" data-site-id="${demoSiteId}"></script>`,
        `  Test page      http://localhost:${port}/test.html?site=${demoSiteId}`,
      ]),
    );
    // Human-readable lines, in order: the demo site is created, then the start is announced.
    expect(jsonLines(stdout)).toEqual([]);
    expect(stdout).toMatch(
      new RegExp(`INFO: \\[SitesService\\] Created a demo site \\(${demoSiteId}\\)\\.`),
    );
    expect(stdout.indexOf('Created a demo site')).toBeLessThan(stdout.indexOf(RUNNING));
    expect(stdout).toMatch(/INFO: GET \/no-such-page 404 \d+ ms \(/);
    expect(stdout).toContain('INFO: [Bootstrap] SIGTERM received');
    // Nest's line per module and route is left out below LOG_LEVEL=debug.
    expect(stdout).not.toContain('InstanceLoader');
  });

  it.skipIf(!hasScript())(
    'should write pretty logs and the block by default when stdout is a terminal, without the test page when SERVE_TEST_PAGE=false',
    async () => {
      expect(demoSiteId, 'the first start did not complete').toBeDefined();
      const output = await runInTerminal({
        SERVE_TEST_PAGE: 'false',
        PUBLIC_URL: 'https://analytics.example.com',
      });

      const lines = output.split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          RUNNING,
          `  Listening on   http://127.0.0.1:${port}`,
          '  Public URL     https://analytics.example.com',
          `  Demo site      <script async src="https://analytics.example.com/tracker.min.js" data-site-id="${demoSiteId}"></script>`,
        ]),
      );
      expect(output).not.toContain('Test page');
      expect(output).not.toContain('Created a demo site');
      expect(output).toMatch(/INFO: GET \/no-such-page 404 \d+ ms \(/);
      expect(jsonLines(output)).toEqual([]);
      const { rows } = await client.query('SELECT id FROM sites');
      expect(rows).toEqual([{ id: demoSiteId }]);
    },
  );

  it.skipIf(!hasScript())(
    'should write JSON lines only, the start as one of them, with LOG_FORMAT=json even at a terminal',
    async () => {
      expect(demoSiteId, 'the first start did not complete').toBeDefined();
      const output = await runInTerminal({ LOG_FORMAT: 'json' });

      const lines = output.split('\n').filter((line) => line.trim());
      const parsed = jsonLines(output);
      expect(parsed).toHaveLength(lines.length);
      expect(parsed).toContainEqual(
        expect.objectContaining({
          msg: RUNNING,
          listening: `http://127.0.0.1:${port}`,
          publicUrl: `http://localhost:${port}`,
          demoSite: {
            id: demoSiteId,
            snippet: `<script async src="http://localhost:${port}/tracker.min.js" data-site-id="${demoSiteId}"></script>`,
            testPage: `http://localhost:${port}/test.html?site=${demoSiteId}`,
          },
        }),
      );
      expect(parsed).toContainEqual(
        expect.objectContaining({ req: expect.objectContaining({ path: '/no-such-page' }) }),
      );
    },
  );

  it('should say how to add a site once the demo site is gone, creating none', async () => {
    expect(demoSiteId, 'the first start did not complete').toBeDefined();
    await client.query('UPDATE sites SET is_active = false WHERE id = $1', [demoSiteId]);

    const { stdout } = await runPiped({ LOG_FORMAT: 'pretty' });

    const lines = stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        RUNNING,
        '  Add a site     npm run cli -- sites create --name "My site" --domain example.com',
        `  Test page      http://localhost:${port}/test.html?site=SITE_ID`,
      ]),
    );
    expect(stdout).not.toContain('Demo site');
    expect(stdout).not.toContain('Your sites');
    const { rows } = await client.query('SELECT id, is_active FROM sites');
    expect(rows).toEqual([{ id: demoSiteId, is_active: false }]);
  });
});
