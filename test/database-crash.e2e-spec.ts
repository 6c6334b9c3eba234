import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedDatabase } from '../src/database/embedded-database.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { cleanEnv, NodeProcess } from './utils/child-process.js';
import { openDataSource, waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { freePort } from './utils/free-port.js';

const SERVER = 'dist/src/main.js';
/** Client loops posting /track at once, each over its own keep-alive connection. */
const LOOPS = 24;
const MAX_REQUESTS_PER_LOOP = 3_000;
/** The load stops after this whatever happens. */
const LOAD_LIMIT_MS = 90_000;
/** A request unanswered after this is a hang, and fails the test. */
const REQUEST_LIMIT_MS = 15_000;
/** Events acknowledged before the crash, so that it hits a server in full swing. */
const ACKNOWLEDGED_BEFORE_CRASH = 300;
/** How long PostgreSQL stays down. */
const OUTAGE_MS = 1_500;
/** Events acknowledged after the restart before the load stops. */
const ACKNOWLEDGED_AFTER_RESTART = 300;

type Outcome = number | 'timeout' | 'network error';

interface Answer {
  eventId: string;
  body: string;
  outcome: Outcome;
  retryAfter: string | null;
  startedAt: number;
  endedAt: number;
  error?: string;
}

/**
 * PostgreSQL crashes while `/track` is under load: every one of its processes is SIGKILLed at a
 * moment when it is running a statement of Trackveil. It then restarts on the same data directory
 * and replays its WAL (crash recovery). The built server runs as a child
 * process, as in production: with its own event loop, so the load generator in this process does
 * not slow its handling of the crash, and with `main.ts`'s own bootstrap, so an unhandled pool
 * error would end it for all to see. It is never restarted: its pool must find the new server by
 * itself. The PostgreSQL is this file's own, started in a temporary directory, not the run's.
 */
// Linux only: PostgreSQL's processes are found, frozen and killed through /proc.
describe.skipIf(process.platform !== 'linux')('PostgreSQL crashing under load', () => {
  let root: string;
  let dataDir: string;
  let databasePort: number;
  let database: EmbeddedDatabase | undefined;
  let server: NodeProcess | undefined;
  let baseUrl: string;
  let siteId: string;

  const answers: Answer[] = [];
  let crashedAt = 0;
  let killedProcesses = 0;
  /** What Trackveil's backends were doing at the crash. */
  let runningAtCrash: string[] = [];
  let restartBeganAt = 0;
  let restartedAt = 0;
  /** event_id → rows in page_views, after recovery. */
  const stored = new Map<string, number>();
  const retried: Answer[] = [];
  const storedAfterRetry = new Map<string, number>();

  const post = async (body: string): Promise<Omit<Answer, 'eventId' | 'body'>> => {
    const startedAt = performance.now();
    try {
      const res = await fetch(`${baseUrl}/track`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': CHROME_UA },
        body,
        signal: AbortSignal.timeout(REQUEST_LIMIT_MS),
      });
      // Read the body to the end, so the connection is free for the next request.
      await res.arrayBuffer();
      return {
        outcome: res.status,
        retryAfter: res.headers.get('retry-after'),
        startedAt,
        endedAt: performance.now(),
      };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return {
        outcome: timedOut ? 'timeout' : 'network error',
        retryAfter: null,
        startedAt,
        endedAt: performance.now(),
        error: String((error as Error).cause ?? error),
      };
    }
  };

  const load = async (loop: number, stopped: () => boolean): Promise<void> => {
    for (let seq = 0; seq < MAX_REQUESTS_PER_LOOP && !stopped(); seq += 1) {
      const eventId = randomUUID();
      const body = JSON.stringify(
        makeEvent(siteId, {
          event_id: eventId,
          url: `https://example.com/crash/${loop}/${seq}`,
          fingerprint: `fp-crash-${loop}`,
        }),
      );
      const answer = { eventId, body, ...(await post(body)) };
      answers.push(answer);
      // Like the tracker, do not hammer a server that has just said it cannot store anything.
      if (answer.outcome !== 202) await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const acknowledged = (since = 0): number =>
    answers.filter((answer) => answer.outcome === 202 && answer.startedAt >= since).length;

  const healthStatus = async (): Promise<number> => (await fetch(`${baseUrl}/health`)).status;

  const storedCounts = async (): Promise<Map<string, number>> => {
    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ event_id: string; n: number }>(
        `SELECT event_id::text, count(*)::int AS n FROM page_views
          WHERE site_id = $1 GROUP BY event_id`,
        [siteId],
      );
      return new Map(rows.map((row) => [row.event_id, row.n]));
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'trackveil-crash-'));
    await chmod(root, 0o755); // PostgreSQL runs as the `postgres` user when tests run as root
    dataDir = join(root, 'postgres');
    databasePort = await freePort();
    database = await EmbeddedDatabase.start({ dataDir, port: databasePort });
    const setup = await openDataSource(database.url);
    await runMigrations(setup);
    siteId = (await makeSite(setup)).id;
    await setup.destroy();

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = new NodeProcess(
      SERVER,
      [],
      cleanEnv({
        DATABASE_URL: database.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        // Every request comes from 127.0.0.1; none may be refused for its rate.
        RATE_LIMIT_MAX_REQUESTS: '1000000',
        CREATE_DEMO_SITE: 'false',
        // Every event looks its site up, so the crash also meets TypeORM's queries on the pool,
        // not only the ingestion statement.
        SITE_CACHE_TTL_SECONDS: '0',
        LOG_LEVEL: 'warn',
      }),
    );
    await waitFor(
      'GET /health to answer 200',
      async () => {
        if (!server!.running) throw new Error(`Trackveil exited:\n${server!.stderr}`);
        return (await healthStatus()) === 200;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    let stopped = false;
    const loadStart = performance.now();
    const loops = Array.from({ length: LOOPS }, (_, loop) =>
      load(loop, () => stopped || performance.now() - loadStart > LOAD_LIMIT_MS),
    );
    try {
      await waitFor(
        'events to be acknowledged before the crash',
        () => acknowledged() >= ACKNOWLEDGED_BEFORE_CRASH,
        { timeoutMs: 20_000, intervalMs: 20 },
      );

      // Crash while Trackveil has a statement running, not between two: its batch is in flight.
      const postmaster = postmasterOf(dataDir)!;
      let killed: number[] = [];
      await waitFor(
        'PostgreSQL to be running a statement of Trackveil',
        () => {
          const crash = crashIfBusy(postmaster);
          if (!crash) return false;
          crashedAt = performance.now();
          ({ running: runningAtCrash, killed } = crash);
          return true;
        },
        { timeoutMs: 15_000, intervalMs: 1 },
      );
      killedProcesses = killed.length;
      await waitFor(
        'every PostgreSQL process to be gone',
        () => killed.every((pid) => !isAlive(pid)),
        { timeoutMs: 10_000 },
      );
      await waitFor(
        'the PostgreSQL port to be closed',
        async () => !(await accepts(databasePort)),
        {
          timeoutMs: 10_000,
        },
      );

      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      // Crash recovery: PostgreSQL replays its WAL before it accepts connections again.
      restartBeganAt = performance.now();
      database = await EmbeddedDatabase.start({ dataDir, port: databasePort });
      restartedAt = performance.now();

      await waitFor(
        '/track to acknowledge events again without a restart of Trackveil',
        () => acknowledged(restartedAt) >= ACKNOWLEDGED_AFTER_RESTART,
        { timeoutMs: 25_000, intervalMs: 20 },
      ).catch((error: unknown) => {
        // A Trackveil that died (an unhandled pool error) is the likeliest cause: show why.
        const state = server?.running ? 'still running' : `exited (${server?.exitDescription})`;
        throw new Error(
          `${(error as Error).message}; Trackveil ${state}. Its log:\n${server?.stdout.slice(-3000)}\n${server?.stderr.slice(-3000)}`,
        );
      });
    } finally {
      stopped = true;
      await Promise.all(loops);
    }

    for (const [eventId, n] of await storedCounts()) stored.set(eventId, n);

    // What the tracker does with a 503: send the same event again, with the same event_id.
    const refused = answers.filter((a) => a.outcome === 503);
    await Promise.all(
      Array.from({ length: LOOPS }, async () => {
        for (let answer = refused.pop(); answer; answer = refused.pop()) {
          retried.push({
            eventId: answer.eventId,
            body: answer.body,
            ...(await post(answer.body)),
          });
        }
      }),
    );
    for (const [eventId, n] of await storedCounts()) storedAfterRetry.set(eventId, n);

    const count = (outcome: Outcome) => answers.filter((a) => a.outcome === outcome).length;
    const inFlight = answers.filter((a) => a.startedAt < crashedAt && a.endedAt > crashedAt);
    const refusedButStored = answers.filter((a) => a.outcome === 503 && stored.has(a.eventId));
    console.log(
      [
        `Database crash under load (${LOOPS} client loops, ${killedProcesses} PostgreSQL processes SIGKILLed):`,
        `  PostgreSQL down ${Math.round(restartBeganAt - crashedAt)} ms, then ${Math.round(restartedAt - restartBeganAt)} ms to restart with crash recovery;` +
          ` first 202 ${Math.round(Math.min(...answers.filter((a) => a.outcome === 202 && a.startedAt >= restartedAt).map((a) => a.endedAt)) - restartedAt)} ms after that`,
        `  requests ${answers.length}: 202 ${count(202)}, 503 ${count(503)}, other ${answers.length - count(202) - count(503)}` +
          ` (timeouts ${count('timeout')}, network errors ${count('network error')})`,
        `  in flight at the crash ${inFlight.length}: 202 ${inFlight.filter((a) => a.outcome === 202).length},` +
          ` 503 ${inFlight.filter((a) => a.outcome === 503).length}; PostgreSQL was running ${runningAtCrash.join(', ')}`,
        `  202 after the restart ${acknowledged(restartedAt)}; slowest answer ${Math.round(Math.max(...answers.map((a) => a.endedAt - a.startedAt)))} ms`,
        `  acknowledged events lost ${answers.filter((a) => a.outcome === 202 && !stored.has(a.eventId)).length},` +
          ` stored twice or more ${[...stored.values()].filter((n) => n > 1).length}`,
        `  503'd but stored (committed, answer lost with the connection) ${refusedButStored.length}`,
        `  503'd events sent again ${retried.length}: 202 ${retried.filter((a) => a.outcome === 202).length},` +
          ` stored exactly once after the retry ${retried.filter((a) => storedAfterRetry.get(a.eventId) === 1).length}`,
      ].join('\n'),
    );
  }, 180_000);

  afterAll(async () => {
    if (server?.running) {
      await server.stop('SIGTERM', 15_000).catch(() => server?.stop('SIGKILL', 5_000));
    }
    await database?.stop().catch(() => undefined);
    // Should the test have failed between the crash and the restart, leave no PostgreSQL behind.
    const postmaster = dataDir ? postmasterOf(dataDir) : undefined;
    if (postmaster) killPostgres(postmaster);
    if (root) await rm(root, { recursive: true, force: true });
  }, 30_000);

  it('should answer every request within the time limit with 202 or 503, never 500 or 429', () => {
    const others = answers.filter((a) => a.outcome !== 202 && a.outcome !== 503);
    expect(
      others.slice(0, 5).map(({ outcome, error }) => ({ outcome, error })),
      `${others.length} answers were neither 202 nor 503; Trackveil's log:\n${server?.stdout.slice(-4000)}`,
    ).toEqual([]);
    for (const answer of answers.filter((a) => a.outcome === 503)) {
      expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
    }
  });

  it('should store every acknowledged event exactly once after recovery', () => {
    const acknowledgedIds = answers.filter((a) => a.outcome === 202).map((a) => a.eventId);
    expect(acknowledgedIds.length).toBeGreaterThanOrEqual(
      ACKNOWLEDGED_BEFORE_CRASH + ACKNOWLEDGED_AFTER_RESTART,
    );
    const lost = acknowledgedIds.filter((id) => stored.get(id) !== 1);
    expect(lost.map((id) => ({ id, rows: stored.get(id) ?? 0 }))).toEqual([]);
  });

  it('should store no event twice, and only events that were sent', () => {
    expect([...stored].filter(([, n]) => n !== 1)).toEqual([]);
    const sent = new Set(answers.map((a) => a.eventId));
    expect([...stored.keys()].filter((id) => !sent.has(id))).toEqual([]);
  });

  it('should answer 503 to requests in flight at the crash, and to every request while PostgreSQL is down', () => {
    // Sent before the crash and refused: only the crash can have refused them. The statement
    // running at the crash had not answered, so its requests are among them.
    const refusedInFlight = answers.filter((a) => a.startedAt < crashedAt && a.outcome === 503);
    expect(refusedInFlight.length, 'requests sent before the crash answered 503').toBeGreaterThan(
      0,
    );
    const duringOutage = answers.filter((a) => a.startedAt > crashedAt && a.endedAt < restartedAt);
    expect(
      duringOutage.length,
      'requests sent and answered while PostgreSQL was down',
    ).toBeGreaterThan(0);
    expect(duringOutage.filter((a) => a.outcome !== 503).map((a) => a.outcome)).toEqual([]);
  });

  it('should recover by itself: events acknowledged after the restart, health 200, same process', async () => {
    expect(acknowledged(restartedAt)).toBeGreaterThanOrEqual(ACKNOWLEDGED_AFTER_RESTART);
    expect(server!.running, `Trackveil exited (${server!.exitDescription})`).toBe(true);
    expect(await healthStatus()).toBe(200);
  });

  it("should store each 503'd event exactly once when it is sent again with its event_id", () => {
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.filter((a) => a.outcome !== 202).map((a) => a.outcome)).toEqual([]);
    expect(retried.filter((a) => storedAfterRetry.get(a.eventId) !== 1)).toEqual([]);
    expect([...storedAfterRetry].filter(([, n]) => n !== 1)).toEqual([]);
  });
});

/** The running postmaster of `dataDir`, if any. */
function postmasterOf(dataDir: string): number | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  // A stale file's pid may since have been given to another program.
  return isAlive(pid) && commandLine(pid).includes(dataDir) ? pid : undefined;
}

/** The backends serving Trackveil: children of the postmaster logged in as `trackveil`. */
function trackveilBackends(postmaster: number): number[] {
  return childrenOf(postmaster).filter((pid) =>
    commandLine(pid).startsWith('postgres: trackveil '),
  );
}

/**
 * What a backend is doing, from its process title: "idle", or a statement's command ("SELECT").
 * PostgreSQL sets "idle" just before it sends ReadyForQuery: until then the client has no answer.
 */
function activity(pid: number): string {
  const title = commandLine(pid);
  return title.slice(title.lastIndexOf(')') + 1).trim();
}

/**
 * Crashes PostgreSQL if a backend of Trackveil is in the middle of a statement, and returns what
 * was running and the pids killed. The postmaster and the backends are frozen (SIGSTOP) first, so
 * that what is seen running is still running when everything is SIGKILLed: a crash with no chance
 * for any process to finish a commit or say goodbye to a client.
 */
function crashIfBusy(postmaster: number): { running: string[]; killed: number[] } | undefined {
  const backends = trackveilBackends(postmaster);
  // Cheap look first; freeze only when something seems to run.
  if (backends.every((pid) => activity(pid) === 'idle')) return undefined;
  const frozen = [postmaster, ...backends];
  for (const pid of frozen) signal(pid, 'SIGSTOP');
  const deadline = performance.now() + 200;
  while (!frozen.every(isStopped) && performance.now() < deadline) {
    // Usually microseconds: a SIGSTOP lands once the process leaves the kernel (an fsync, say).
  }
  const running = backends.map(activity).filter((what) => what !== 'idle');
  if (running.length === 0 || !frozen.every(isStopped)) {
    for (const pid of frozen) signal(pid, 'SIGCONT');
    return undefined;
  }
  return { running, killed: killPostgres(postmaster) };
}

/** SIGKILLs a postmaster and every process it started. Returns their pids. */
function killPostgres(postmaster: number): number[] {
  // Stopped, the postmaster cannot start a backend between the listing and the kill.
  signal(postmaster, 'SIGSTOP');
  const pids = [postmaster, ...childrenOf(postmaster)];
  for (const pid of pids) signal(pid, 'SIGKILL');
  return pids;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * The pids whose parent is `pid`, from /proc (Linux): one small file where the kernel has it, so
 * this process's event loop (the load) is not held up while the database still runs.
 */
function childrenOf(pid: number): number[] {
  const listing = `/proc/${pid}/task/${pid}/children`;
  if (existsSync(listing)) {
    return readFileSync(listing, 'utf8').split(' ').filter(Boolean).map(Number);
  }
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return children;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state …; comm may hold spaces and parentheses, so look after the last ')'.
    return stat[stat.lastIndexOf(')') + 2];
  } catch {
    return undefined;
  }
}

function isStopped(pid: number): boolean {
  return processState(pid) === 'T';
}

/** True while `pid` runs; a zombie (dead, not yet reaped) holds no port or memory and is gone. */
function isAlive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
