/**
 * `npm run bench:track`: how fast `POST /track` stores events, next to a baseline that only
 * validates them, in alternating rounds. Sends bounded load to 127.0.0.1 only, then checks that
 * every 2xx is a stored row. Settings: BENCH_DURATION (seconds per side, default 15),
 * BENCH_ROUNDS (3), BENCH_CONNECTIONS (50), BENCH_ROLLUP_INTERVAL_SECONDS (5: the server's
 * STATS_ROLLUP_INTERVAL_SECONDS, so the stats rollup job recomputes the site's day several times
 * during the run, as it would every minute in production; 0 runs without rollups),
 * BENCH_NODE_ARGS (Node options for the app alone: `--cpu-prof --cpu-prof-dir=/tmp/p`),
 * DATABASE_URL (unset: a throw-away embedded PostgreSQL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { openBenchDatabase } from './bench-database.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROLLUP_INTERVAL = Number(process.env.BENCH_ROLLUP_INTERVAL_SECONDS ?? 5);
const NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const WARMUP_SECONDS = 3;
const VISITORS = 20_000;
const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const here = dirname(fileURLToPath(import.meta.url));

interface RunResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const PAGES = ['/', '/pricing', '/blog/why-self-host-analytics', '/docs/getting-started', '/about'];
const REFERRERS = [
  '',
  'https://www.google.com/',
  'https://news.ycombinator.com/',
  'https://duckduckgo.com/',
];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

/** A realistic page view from one of many visitors, each behind its own address. */
function makeRequest(
  siteId: string,
  eventId: string,
): { body: string; headers: Record<string, string> } {
  const visitor = Math.floor(Math.random() * VISITORS);
  const page = pick(PAGES);
  const body = JSON.stringify({
    site_id: siteId,
    url: `https://bench.example.com${page}${Math.random() < 0.2 ? '?utm_source=newsletter&utm_medium=email' : ''}`,
    title: `Bench page ${page}`,
    referrer: pick(REFERRERS),
    screen_width: 1920,
    screen_height: 1080,
    fingerprint: `bench-visitor-${visitor}-${'x'.repeat(40)}`,
    load_time_ms: 200 + Math.floor(Math.random() * 800),
    event_id: eventId,
  });
  return {
    body,
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': CHROME_UA,
      'x-forwarded-for': `10.${(visitor >> 16) & 255}.${(visitor >> 8) & 255}.${visitor & 255}`,
      origin: 'https://bench.example.com',
    },
  };
}

interface Connection {
  eventId?: string;
}

/**
 * Runs autocannon for `seconds`. The event ids of the requests answered 2xx are collected into
 * `acknowledged` (a connection sends one request at a time, so its context knows which it was),
 * and their latencies (ms) into `latencies`.
 */
function load(
  port: number,
  siteId: string,
  seconds: number,
  acknowledged: string[] = [],
  latencies: number[] = [],
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: '/track',
            setupRequest: (req, context: Connection) => {
              context.eventId = randomUUID();
              return { ...req, ...makeRequest(siteId, context.eventId) };
            },
            onResponse: (status, _body, context: Connection) => {
              if (isSuccess(status) && context.eventId) {
                acknowledged.push(context.eventId);
              }
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve({
          requestsPerSecond: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on('response', (_client, status: number, _bytes, responseTime: number) => {
      if (isSuccess(status)) latencies.push(responseTime);
    });
  });
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The `fraction` percentile of `sorted` (ascending), in whole ms as autocannon prints them. */
function percentile(sorted: number[], fraction: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0);
}

async function waitForHttp(url: string, child: ChildProcess, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`);
    try {
      const res = await fetch(url, { method: 'GET' });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

function start(script: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function createSite(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `WITH account AS (INSERT INTO accounts (name) VALUES ('Benchmark') RETURNING id)
       INSERT INTO sites (account_id, name, domain, fingerprint_salt)
       SELECT id, 'Benchmark', 'bench.example.com', $1 FROM account RETURNING id`,
      [randomBytes(32)],
    );
    return rows[0].id;
  } finally {
    await client.end();
  }
}

/** How many page views the site has, and how many of `eventIds` are among them. */
async function storedRows(
  databaseUrl: string,
  siteId: string,
  eventIds: string[] = [],
): Promise<{ total: number; acknowledged: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ total: number; acknowledged: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE event_id = ANY($2::uuid[]))::int AS acknowledged
         FROM page_views WHERE site_id = $1`,
      [siteId, eventIds],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/** What the stats rollup job made of the run: the site's day rollups and their page views. */
async function rollupState(databaseUrl: string, siteId: string): Promise<string> {
  if (ROLLUP_INTERVAL === 0) return 'Stats rollups: off (BENCH_ROLLUP_INTERVAL_SECONDS=0).';
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ days: number; pageviews: number; last: Date | null }>(
      `SELECT count(*)::int AS days, coalesce(sum(pageviews), 0)::int AS pageviews,
              max(computed_at) AS last FROM stats_days WHERE site_id = $1`,
      [siteId],
    );
    const [row] = rows;
    return `Stats rollups: job every ${ROLLUP_INTERVAL} s during the run; the site's ${row.days} day rollup(s) hold ${row.pageviews} page views, last computed ${row.last?.toISOString() ?? 'never'}.`;
  } finally {
    await client.end();
  }
}

interface CpuSeconds {
  server: number;
  postgres: number;
  loadGenerator: number;
}

/**
 * CPU seconds used so far (Linux only) by the server process under load, by PostgreSQL (the
 * embedded server's postmaster and its children when `postmasterPid` is known, else every local
 * process named postgres) and by this process, which generates the load.
 */
async function cpuSeconds(
  serverPid: number | undefined,
  postmasterPid: number | undefined,
): Promise<CpuSeconds | undefined> {
  const stat = async (pid: string): Promise<string[]> =>
    (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const ticks = (fields: string[]) => Number(fields[11]) + Number(fields[12]); // utime + stime
  try {
    let postgres = 0;
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const name = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
      if (name.trim() !== 'postgres') continue;
      const fields = await stat(pid).catch(() => []);
      const ours =
        postmasterPid === undefined ||
        Number(pid) === postmasterPid ||
        Number(fields[1]) === postmasterPid; // parent pid
      if (ours && fields.length > 12) postgres += ticks(fields);
    }
    const hz = 100;
    const self = process.cpuUsage();
    return {
      server: ticks(await stat(String(serverPid))) / hz,
      postgres: postgres / hz,
      loadGenerator: (self.user + self.system) / 1e6,
    };
  } catch {
    return undefined;
  }
}

/** The pid of the PostgreSQL server on `dataDir`, from its postmaster.pid. */
async function postmasterPidOf(dataDir: string): Promise<number | undefined> {
  const first = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split(
    '\n',
  )[0];
  return first ? Number(first) : undefined;
}

/**
 * Rounds of equal length as one run: mean rate, summed counts, and p50/p99 of the latencies of
 * every 2xx answer of the rounds.
 */
function combine(runs: RunResult[], latencies: number[]): RunResult {
  const sum = (pick: (run: RunResult) => number) =>
    runs.reduce((total, run) => total + pick(run), 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requestsPerSecond: sum((run) => run.requestsPerSecond) / runs.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    ok: sum((run) => run.ok),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    timeouts: sum((run) => run.timeouts),
  };
}

function report(name: string, run: RunResult): void {
  console.log(
    `${name.padEnd(10)} ${run.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${String(run.p50).padStart(4)} ms   p99 ${String(run.p99).padStart(4)} ms   2xx ${run.ok}   non-2xx ${run.non2xx}   errors ${run.errors}   timeouts ${run.timeouts}`,
  );
}

async function main(): Promise<void> {
  const database = await openBenchDatabase(54_398);
  const databaseUrl = database.url;
  const appPort = 18_181;
  const baselinePort = 18_182;
  const app = start(
    join(here, '../src/main.js'),
    {
      DATABASE_URL: databaseUrl,
      PORT: String(appPort),
      HOST: '127.0.0.1',
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      CREATE_DEMO_SITE: 'false',
      STATS_ROLLUP_INTERVAL_SECONDS: String(ROLLUP_INTERVAL),
    },
    NODE_ARGS,
  );
  const baseline = start(join(here, 'baseline/main.js'), { PORT: String(baselinePort) });
  try {
    await waitForHttp(`http://127.0.0.1:${appPort}/health`, app);
    await waitForHttp(`http://127.0.0.1:${baselinePort}/`, baseline);
    const siteId = await createSite(databaseUrl);
    const roundSeconds = Math.max(1, Math.round(DURATION / ROUNDS));
    console.log(
      `Trackveil /track vs baseline: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${roundSeconds} s each, alternating; ${VISITORS} visitors, node ${process.version}\n`,
    );

    await load(appPort, siteId, WARMUP_SECONDS);
    await load(baselinePort, siteId, WARMUP_SECONDS);
    const before = await storedRows(databaseUrl, siteId);
    const acknowledged: string[] = [];
    const trackLatencies: number[] = [];
    const baseLatencies: number[] = [];
    const postmasterPid = database.dataDir ? await postmasterPidOf(database.dataDir) : undefined;
    const tracks: RunResult[] = [];
    const bases: RunResult[] = [];
    const trackCpu: CpuSeconds = { server: 0, postgres: 0, loadGenerator: 0 };
    const baseCpu: CpuSeconds = { server: 0, postgres: 0, loadGenerator: 0 };
    /** Runs `round` and adds the CPU time it took to `total`. */
    const measured = async <T>(
      serverPid: number | undefined,
      total: CpuSeconds,
      round: () => Promise<T>,
    ): Promise<T> => {
      const before = await cpuSeconds(serverPid, postmasterPid);
      const result = await round();
      const after = await cpuSeconds(serverPid, postmasterPid);
      if (before && after) {
        for (const key of ['server', 'postgres', 'loadGenerator'] as const) {
          total[key] += after[key] - before[key];
        }
      }
      return result;
    };
    // Rounds alternate so that both sides see the same machine: on a shared VM its speed drifts
    // by tens of percent within a minute.
    for (let round = 1; round <= ROUNDS; round += 1) {
      const track = await measured(app.pid, trackCpu, () =>
        load(appPort, siteId, roundSeconds, acknowledged, trackLatencies),
      );
      const base = await measured(baseline.pid, baseCpu, () =>
        load(baselinePort, siteId, roundSeconds, [], baseLatencies),
      );
      tracks.push(track);
      bases.push(base);
      console.log(
        `round ${round}: /track ${track.requestsPerSecond.toFixed(0)} req/s (p99 ${track.p99} ms), baseline ${base.requestsPerSecond.toFixed(0)} req/s, ratio ${(track.requestsPerSecond / base.requestsPerSecond).toFixed(3)}`,
      );
    }
    await stop(app); // lets requests still in flight finish
    const after = await storedRows(databaseUrl, siteId, acknowledged);

    const track = combine(tracks, trackLatencies);
    const base = combine(bases, baseLatencies);
    console.log('');
    report('/track', track);
    const perRequest = (seconds: number, run: RunResult) =>
      ((seconds * 1000) / Math.max(run.ok, 1)).toFixed(3);
    if (trackCpu.server > 0) {
      console.log(
        `           CPU per request: app ${perRequest(trackCpu.server, track)} ms, PostgreSQL ${perRequest(trackCpu.postgres, track)} ms${postmasterPid ? '' : ' (every local postgres process)'}, load generator ${perRequest(trackCpu.loadGenerator, track)} ms`,
      );
    }
    report('baseline', base);
    if (baseCpu.server > 0) {
      console.log(
        `           CPU per request: app ${perRequest(baseCpu.server, base)} ms, load generator ${perRequest(baseCpu.loadGenerator, base)} ms`,
      );
    }
    const ratio = track.requestsPerSecond / base.requestsPerSecond;
    const lost = acknowledged.length - after.acknowledged;
    console.log(
      `\n2xx answers: ${acknowledged.length}; rows stored during the run: ${after.total - before.total}; of the 2xx, stored: ${after.acknowledged}`,
    );
    console.log(`every 2xx stored: ${lost === 0 ? 'yes' : `NO (${lost} missing)`}`);
    // Three decimals: rounded to two, 0.497 would read as the target's 0.50.
    console.log(
      `ratio /track ÷ baseline: ${ratio.toFixed(3)} (target ≥ 0.500: ${ratio >= 0.5 ? 'met' : 'not met'})`,
    );
    // The p99 of every answer of the run; each round's own p99 (that round's worst moments) is
    // shown beside it.
    console.log(await rollupState(databaseUrl, siteId));
    console.log(
      `p99 of /track: ${track.p99} ms over the ${trackLatencies.length} 2xx answers of the rounds; per round ${tracks.map((run) => run.p99).join(', ')} ms (target < 50 ms: ${track.p99 < 50 ? 'met' : 'not met'})`,
    );
    if (lost !== 0) process.exitCode = 1;
  } finally {
    await stop(app);
    await stop(baseline);
    await database.stop();
  }
}

await main();
