import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cleanEnv, NodeProcess } from './utils/child-process.js';
import { waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent } from './utils/factories.js';
import { freePort } from './utils/free-port.js';

const SERVER = 'dist/src/main.js';
const TEST_TIMEOUT_MS = 120_000;
const DEMO_SITE =
  /data-site-id=\\?"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\?"/;

/**
 * `npm start` as a newcomer runs it: no DATABASE_URL, so Trackveil creates and runs its own
 * PostgreSQL in EMBEDDED_POSTGRES_DIR, and keeps the data there across restarts.
 */
describe('zero-setup start with the embedded PostgreSQL', () => {
  let root: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let baseUrl: string;
  let embeddedPort: number;
  let server: NodeProcess | undefined;
  let demoSiteId: string;

  const start = async (): Promise<NodeProcess> => {
    const child = new NodeProcess(SERVER, [], env);
    server = child;
    const healthy = waitFor(
      'GET /health to answer 200',
      async () => (await fetch(`${baseUrl}/health`)).status === 200,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const died = child.finished.then((result) => {
      throw new Error(`The server exited (${child.exitDescription}) before it was healthy.`, {
        cause: result,
      });
    });
    try {
      await Promise.race([healthy, died]);
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\nstdout:\n${child.stdout}\nstderr:\n${child.stderr}`,
        { cause: error },
      );
    }
    return child;
  };

  const track = (path: string) =>
    fetch(`${baseUrl}/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': CHROME_UA },
      body: JSON.stringify(makeEvent(demoSiteId, { url: `http://localhost${path}` })),
    });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'trackveil-zero-setup-'));
    await chmod(root, 0o755); // PostgreSQL runs as the `postgres` user when tests run as root
    dataDir = join(root, 'postgres');
    embeddedPort = await freePort();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = cleanEnv({
      EMBEDDED_POSTGRES_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(embeddedPort),
      PORT: String(port),
      HOST: '127.0.0.1',
    });
  });

  afterAll(async () => {
    if (server?.running) {
      await server.stop('SIGTERM', 15_000).catch(() => server?.stop('SIGKILL', 5_000));
    }
    // Should the server have died without stopping its PostgreSQL, do not leave it behind.
    const pidFile = join(dataDir, 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGQUIT');
        } catch {
          // already gone
        }
      }
    }
    if (root) await rm(root, { recursive: true, force: true });
  }, 30_000);

  it(
    'should start with no database configured, log a demo site, store a page view and stop cleanly on SIGTERM',
    async () => {
      const first = await start();

      const match = DEMO_SITE.exec(first.stdout);
      expect(match, `No demo site in the log:\n${first.stdout}`).not.toBeNull();
      demoSiteId = match![1];
      expect(first.stdout).toContain('Created a demo site');

      const res = await track('/');
      expect(res.status, await res.clone().text()).toBe(202);

      const exit = await first.stop('SIGTERM', 15_000);
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.signal).toBeNull();
      // PostgreSQL went down with it.
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'should start again on the same data directory keeping the data and without a second demo site',
    async () => {
      expect(demoSiteId, 'the first start did not complete').toBeDefined();
      const second = await start();

      expect(second.stdout).not.toContain('Created a demo site');
      expect(second.stdout).not.toContain('Creating the embedded PostgreSQL cluster');

      const res = await track('/second-run');
      expect(res.status, await res.clone().text()).toBe(202);

      const password = (await readFile(`${dataDir}.password`, 'utf8')).trim();
      const client = new pg.Client({
        connectionString: `postgres://trackveil:${encodeURIComponent(password)}@127.0.0.1:${embeddedPort}/trackveil`,
      });
      await client.connect();
      try {
        const { rows: sites } = await client.query('SELECT id, name, domain FROM sites');
        expect(sites).toEqual([{ id: demoSiteId, name: 'Demo site', domain: 'localhost' }]);
        const { rows: views } = await client.query(
          'SELECT path FROM page_views WHERE site_id = $1 ORDER BY created_at',
          [demoSiteId],
        );
        expect(views).toEqual([{ path: '/' }, { path: '/second-run' }]);
      } finally {
        await client.end();
      }

      const exit = await second.stop('SIGTERM', 15_000);
      expect(exit.code, exit.stderr).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
