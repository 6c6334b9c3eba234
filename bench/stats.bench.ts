/**
 * `npm run bench:stats`: how long the stats API takes on a big site (issue 12). Generates, inside
 * PostgreSQL, a site with BENCH_STATS_PAGE_VIEWS page views over BENCH_STATS_DAYS days ending now
 * (see `bench/stats-data.ts`) plus ~10 % more rows on other sites, runs the rollup rebuild (timed),
 * then times each kind of stats query and whole dashboard loads through HTTP on 127.0.0.1, for
 * 30 days and 12 months, unfiltered, with one filter and with three.
 *
 * Settings: BENCH_STATS_PAGE_VIEWS (10000000), BENCH_STATS_DAYS (90), BENCH_STATS_REPEAT (5, after
 * one warm-up), BENCH_STATS_CONCURRENCY (6 requests at a time in a dashboard load),
 * BENCH_STATS_TIMEOUT_MS (50000: the server's STATS_QUERY_TIMEOUT_MS; the client gives up 5 s
 * later), BENCH_STATS_BUDGET_MINUTES (60: measurements still to do after that are skipped),
 * BENCH_STATS_DATA_DIR (a persistent embedded PostgreSQL, kept and reused between runs),
 * BENCH_STATS_REBUILD (1; 0 skips the rollup rebuild when the data is reused and its rollups
 * were built by an earlier run: for measuring the queries again after a change to them),
 * BENCH_STATS_FILTER_SETS (every one: `unfiltered,one filter,three filters`; a comma-separated
 * choice measures only those), BENCH_STATS_PERIODS (`30d,12mo`: the periods measured),
 * BENCH_STATS_NODE_ARGS (Node options for the server alone: `--cpu-prof --cpu-prof-dir=/tmp/p`),
 * BENCH_STATS_BROWSER (1: also load the web dashboard in Chromium and time its figures, chart and
 * panels, see `bench/dashboard-load.ts`; 0 skips it),
 * DATABASE_URL (your own PostgreSQL instead; the data is kept there too).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { API_KEY_PREFIX } from '../src/api-keys/api-keys.service.js';
import { hashToken } from '../src/auth/secret-token.js';
import { EmbeddedDatabase } from '../src/database/embedded-database.js';
import { FORMAT_VERSION } from '../src/stats/columns/day-columns.js';
import { localDateTime, shiftDate } from '../src/stats/period.js';
import { SPANS_TO_BUILD_SQL } from '../src/stats/rollups/rollup-spans.js';
import { chromiumAvailable, type LoadTimes, measureDashboardLoads } from './dashboard-load.js';
import {
  checkConsistency,
  createSite,
  type GeneratedSite,
  generateSite,
  prepareGeneration,
} from './stats-data.js';

const PAGE_VIEWS = Number(process.env.BENCH_STATS_PAGE_VIEWS ?? 10_000_000);
const DAYS = Number(process.env.BENCH_STATS_DAYS ?? 90);
const REPEAT = Number(process.env.BENCH_STATS_REPEAT ?? 5);
const CONCURRENCY = Number(process.env.BENCH_STATS_CONCURRENCY ?? 6);
/** The server's STATS_QUERY_TIMEOUT_MS for the run (a slow query answers 503, not a hang). */
const TIMEOUT_MS = Math.min(Number(process.env.BENCH_STATS_TIMEOUT_MS ?? 50_000), 600_000);
const BUDGET_MS = Number(process.env.BENCH_STATS_BUDGET_MINUTES ?? 60) * 60_000;
const DATA_DIR = process.env.BENCH_STATS_DATA_DIR;
const REBUILD = process.env.BENCH_STATS_REBUILD !== '0';
/** Other sites' rows, as a share of the benchmarked site's. */
const NOISE_SHARE = 0.1;
const NOISE_SITES = 3;
const TIMEZONE = 'Europe/Berlin';
const EMBEDDED_PORT = 54_397;
const APP_PORT = 18_183;
const TABLES = ['visitors', 'sessions', 'page_views', 'events'];
const here = dirname(fileURLToPath(import.meta.url));

/** The dashboard's targets (issue 12), for the 30-day period: p95 of a whole load, in ms. */
const TARGETS: Record<string, number> = {
  unfiltered: 100,
  'one filter': 300,
  'three filters': 1500,
};

const ALL_FILTER_SETS: { name: string; filters: string[] }[] = [
  { name: 'unfiltered', filters: [] },
  { name: 'one filter', filters: ['source:is:Google'] },
  { name: 'three filters', filters: ['source:is:Google', 'device:is:mobile', 'page:is:/blog/*'] },
];
/** BENCH_STATS_FILTER_SETS: which of them to measure, by name (`unfiltered,one filter`). */
const FILTER_SETS = process.env.BENCH_STATS_FILTER_SETS
  ? ALL_FILTER_SETS.filter((set) =>
      process.env.BENCH_STATS_FILTER_SETS!.split(',').includes(set.name),
    )
  : ALL_FILTER_SETS;
/** BENCH_STATS_PERIODS: which periods to measure (`30d,12mo`). */
const PERIODS = (process.env.BENCH_STATS_PERIODS ?? '30d,12mo').split(',');

/** One request of a dashboard: a path under …/stats/ and its own parameters. */
interface Kind {
  name: string;
  path: string;
  params: Record<string, string>;
  /** Filters this panel adds (the referrer panel drills into a source). */
  filters?: string[];
}

const PANEL = { limit: '10' };
const KINDS: Kind[] = [
  { name: 'summary', path: 'summary', params: { compare: 'previous' } },
  { name: 'timeseries', path: 'timeseries', params: {} },
  ...['page', 'entry_page', 'exit_page', 'source'].map((dimension) => breakdown(dimension)),
  { ...breakdown('referrer'), name: 'referrer (of Google)', filters: ['source:is:Google'] },
  ...['utm_source', 'browser', 'os', 'device', 'screen', 'country', 'event'].map((dimension) =>
    breakdown(dimension),
  ),
];

function breakdown(dimension: string): Kind {
  return { name: dimension, path: `breakdown/${dimension}`, params: PANEL };
}

/** A request's time in ms, or why it has none. */
type Sample = { ms: number } | { failed: string };

function log(message: string): void {
  console.log(message);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

// ---------------------------------------------------------------------------------------------
// Database and server

async function waitForHttp(url: string, child: ChildProcess, waitSeconds = 120): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not answer within ${waitSeconds} s`);
}

function startServer(databaseUrl: string): ChildProcess {
  const nodeArgs = process.env.BENCH_STATS_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return spawn(process.execPath, [...nodeArgs, join(here, '../src/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(APP_PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      CREATE_DEMO_SITE: 'false',
      STATS_QUERY_TIMEOUT_MS: String(TIMEOUT_MS),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

async function withClient<T>(
  databaseUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Data

function siteName(): string {
  return `Benchmark stats: ${PAGE_VIEWS} page views over ${DAYS} days`;
}

/** The benchmarked site from an earlier run with the same settings, if the database has one. */
async function existingSite(client: pg.Client): Promise<string | undefined> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM sites WHERE name = $1 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1`,
    [siteName()],
  );
  return rows[0]?.id;
}

/**
 * Generates the benchmarked site and the noise sites in one transaction (all or nothing, so a
 * site found later is whole). The tables' secondary indexes are dropped first and rebuilt at the
 * end (a sorted build is much faster than 10 M random inserts). The ingestion triggers do not
 * run: the generation sets the counters they keep itself (checked afterwards).
 */
async function generate(client: pg.Client): Promise<string> {
  const { rows: roles } = await client.query<{ rolsuper: boolean }>(
    `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`,
  );
  const superuser = roles[0]?.rolsuper === true;
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL temp_buffers = '256MB'`);
    await client.query(`SET LOCAL work_mem = '256MB'`);
    await client.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    await client.query(`SET LOCAL synchronous_commit = off`);
    if (superuser) {
      // Skips the user triggers and the foreign-key checks: the rows are consistent by construction.
      await client.query(`SET LOCAL session_replication_role = replica`);
      log(
        'Generating with session_replication_role = replica: no triggers, no foreign-key checks.',
      );
    } else {
      for (const table of ['page_views', 'sessions', 'events']) {
        await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      }
      log('Generating with the ingestion triggers disabled (foreign keys still checked).');
    }
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT i.indexname AS name, i.indexdef AS definition
         FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
          AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conname = i.indexname)`,
      [TABLES],
    );
    for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);

    await prepareGeneration(client);
    const target = await createSite(
      client,
      'Benchmark stats',
      siteName(),
      'bench-stats.example.com',
      PAGE_VIEWS,
      DAYS,
      TIMEZONE,
    );
    const sites: GeneratedSite[] = [target];
    for (let i = 1; i <= NOISE_SITES; i += 1) {
      const views = Math.max(1, Math.round((PAGE_VIEWS * NOISE_SHARE) / NOISE_SITES));
      sites.push(
        await createSite(
          client,
          `Benchmark noise ${i}`,
          `Noise ${i}`,
          `noise-${i}.example.com`,
          views,
          DAYS,
          'UTC',
        ),
      );
    }
    for (const site of sites) {
      const [, ms] = await timed(() =>
        generateSite(client, site, { foreignKeysChecked: !superuser }),
      );
      log(`  ${site.host}: ${site.pageViews.toLocaleString('en')} page views in ${seconds(ms)}`);
    }
    const [, indexMs] = await timed(async () => {
      for (const index of indexes) await client.query(index.definition);
    });
    log(`  ${indexes.length} secondary indexes rebuilt in ${seconds(indexMs)}`);
    if (!superuser) {
      for (const table of ['page_views', 'sessions', 'events']) {
        await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      }
    }
    const problems = await checkConsistency(client, target.id);
    if (problems.length > 0)
      throw new Error(`The generated data is inconsistent: ${problems.join('; ')}`);
    await client.query('COMMIT');
    return target.id;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function describeData(client: pg.Client, siteId: string): Promise<void> {
  const { rows: counts } = await client.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM page_views WHERE site_id = $1) AS page_views,
            (SELECT count(*) FROM sessions WHERE site_id = $1) AS sessions,
            (SELECT count(*) FROM visitors WHERE site_id = $1) AS visitors,
            (SELECT count(*) FROM events WHERE site_id = $1) AS events,
            (SELECT count(*) FROM sessions WHERE site_id = $1 AND page_view_count = 1) AS one_page,
            (SELECT to_char(min(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' – ' ||
                    to_char(max(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC'
               FROM page_views WHERE site_id = $1) AS span`,
    [siteId],
  );
  const c = counts[0];
  log(
    `Benchmarked site ${siteId}: ${Number(c.page_views).toLocaleString('en')} page views, ${Number(c.sessions).toLocaleString('en')} visits (${Math.round((100 * Number(c.one_page)) / Number(c.sessions))} % one page), ${Number(c.visitors).toLocaleString('en')} visitors, ${Number(c.events).toLocaleString('en')} custom events; ${c.span}`,
  );
  const { rows: sizes } = await client.query<{
    name: string;
    rows: string;
    total: string;
    heap: string;
  }>(
    `SELECT relname AS name, reltuples::bigint AS rows,
            pg_size_pretty(pg_total_relation_size(oid)) AS total, pg_size_pretty(pg_relation_size(oid)) AS heap
       FROM pg_class WHERE relname = ANY($1) AND relkind = 'r' ORDER BY array_position($1, relname::text)`,
    [TABLES],
  );
  log(
    `Tables (all sites): ${sizes.map((t) => `${t.name} ${Number(t.rows).toLocaleString('en')} rows, ${t.total} (heap ${t.heap})`).join('; ')}`,
  );
  const { rows: settings } = await client.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM unnest(ARRAY['server_version', 'shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather']) name`,
  );
  log(`PostgreSQL: ${settings.map((s) => `${s.name} ${s.setting}`).join(', ')}`);
}

/**
 * The rollup rebuild of every site, timed: `npm run cli -- stats rebuild` as an operator runs it
 * (compiled), while the server runs. Answers the command's last line.
 */
async function rebuildRollups(databaseUrl: string): Promise<string> {
  const child = spawn(process.execPath, [join(here, '../src/cli.js'), 'stats', 'rebuild'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  const last = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`stats rebuild exited with ${code}: ${last}`);
  return last;
}

/** A `stats:read` key of the site's account, stored as the API stores keys (SHA-256 only). */
/**
 * Waits (10 minutes at most) until the server's rollup job has built the site's closed weeks and
 * months, and written the day columns of every day (after an upgrade, or a rebuild interrupted
 * before them): the measurements read them.
 */
async function waitForSpans(client: pg.Client, siteId: string): Promise<void> {
  // Days that ended two hours ago are settled for the server too (session timeout 30 minutes).
  const settled = shiftDate(localDateTime(new Date(Date.now() - 2 * 3_600_000), TIMEZONE).date, -1);
  const today = localDateTime(new Date(), TIMEZONE).date;
  const started = Date.now();
  for (;;) {
    const { rows } = await client.query(SPANS_TO_BUILD_SQL, [
      siteId,
      settled,
      TIMEZONE,
      100,
      today,
    ]);
    const [{ days }] = (
      await client.query<{ days: number }>(
        `SELECT count(*)::int AS days FROM stats_days d WHERE d.site_id = $1 AND NOT EXISTS (
           SELECT 1 FROM stats_day_columns c
            WHERE c.site_id = d.site_id AND c.day = d.day AND c.format = $2)`,
        [siteId, FORMAT_VERSION],
      )
    ).rows;
    if (rows.length === 0 && days === 0) break;
    if (Date.now() - started > 10 * 60_000) {
      log(
        `${rows.length} weeks, months and runs of days still without rollups, ${days} days without columns, after 10 minutes; measuring anyway.`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM stats_spans WHERE site_id = $1`,
    [siteId],
  );
  log(
    `Rollups of ${rows[0].n} closed weeks, months and runs of days, and every day's columns, ready (${seconds(Date.now() - started)}).`,
  );
}

async function createApiKey(
  client: pg.Client,
  siteId: string,
): Promise<{ id: string; key: string }> {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO api_keys (account_id, name, scope, prefix, secret_hash)
     SELECT account_id, 'bench:stats', 'stats:read', $2, $3 FROM sites WHERE id = $1 RETURNING id`,
    [siteId, key.slice(0, 12), hashToken(key)],
  );
  return { id: rows[0].id, key };
}

// ---------------------------------------------------------------------------------------------
// Measurements

class Budget {
  private readonly end = Date.now() + BUDGET_MS;
  get spent(): boolean {
    return Date.now() >= this.end;
  }
}

/** The spawned server: a request it cannot answer because it has exited ends the benchmark. */
let server: ChildProcess | undefined;

async function request(
  base: string,
  key: string,
  kind: Kind,
  period: string,
  filters: string[],
): Promise<Sample> {
  const params = new URLSearchParams({ period, ...kind.params });
  for (const filter of [...filters, ...(kind.filters ?? []).filter((f) => !filters.includes(f))]) {
    params.append('filter', filter);
  }
  const started = performance.now();
  try {
    const res = await fetch(`${base}/${kind.path}?${params}`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(TIMEOUT_MS + 5000),
    });
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) {
      if (ms >= TIMEOUT_MS) return { failed: 'timeout' };
      // Anything but a timeout means the benchmark itself is wrong: a bad request, say.
      process.exitCode = 1;
      return { failed: `HTTP ${res.status}: ${body.slice(0, 200)}` };
    }
    return { ms };
  } catch (error) {
    if (server && server.exitCode !== null) {
      throw new Error(`The server exited (${server.exitCode}).`, { cause: error });
    }
    return {
      failed: error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : String(error),
    };
  }
}

/** Every kind at once, CONCURRENCY at a time, as a browser loads a dashboard: the wall time. */
async function dashboard(
  base: string,
  key: string,
  period: string,
  filters: string[],
): Promise<Sample> {
  const queue = [...KINDS];
  const started = performance.now();
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let kind = queue.shift(); kind; kind = queue.shift()) {
        const sample = await request(base, key, kind, period, filters);
        if ('failed' in sample) failures.push(`${kind.name}: ${sample.failed}`);
      }
    }),
  );
  if (failures.length > 0) return { failed: failures.join('; ') };
  return { ms: performance.now() - started };
}

/** Nearest-rank percentile; a failed sample counts as slower than any time. */
function percentile(samples: Sample[], fraction: number): string {
  if (samples.length === 0) return '–';
  const values = samples.map((s) => ('ms' in s ? s.ms : Infinity)).sort((a, b) => a - b);
  const value = values[Math.max(0, Math.ceil(values.length * fraction) - 1)];
  return Number.isFinite(value) ? String(Math.round(value)) : 'failed';
}

function p95Ms(samples: Sample[]): number {
  const text = percentile(samples, 0.95);
  return text === 'failed' || text === '–' ? Infinity : Number(text);
}

interface DashboardResult {
  period: string;
  filters: string;
  samples: Sample[];
}

async function measure(base: string, key: string, budget: Budget): Promise<DashboardResult[]> {
  const results: DashboardResult[] = [];
  for (const period of PERIODS) {
    for (const set of FILTER_SETS) {
      log(`\n${period}, ${set.name}${set.filters.length ? ` (${set.filters.join(', ')})` : ''}`);
      if (budget.spent) {
        log('  skipped: BENCH_STATS_BUDGET_MINUTES is spent');
        results.push({ period, filters: set.name, samples: [] });
        continue;
      }
      log(`  ${'query'.padEnd(22)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}  failures`);
      const failures = new Map<string, string>();
      for (const kind of KINDS) {
        if (budget.spent) {
          log(`  ${kind.name.padEnd(22)} skipped: BENCH_STATS_BUDGET_MINUTES is spent`);
          continue;
        }
        const warmUp = await request(base, key, kind, period, set.filters);
        const samples: Sample[] = [];
        // A kind that fails (say, times out) on its warm-up is not repeated.
        if ('ms' in warmUp) {
          for (let i = 0; i < REPEAT && !budget.spent; i += 1) {
            samples.push(await request(base, key, kind, period, set.filters));
          }
        } else {
          samples.push(warmUp);
        }
        const failed = samples.filter((s): s is { failed: string } => 'failed' in s);
        if (failed.length > 0) failures.set(kind.name, failed[0].failed);
        log(
          `  ${kind.name.padEnd(22)} ${percentile(samples, 0.5).padStart(8)} ${percentile(samples, 0.95).padStart(8)}  ${failed.length ? `${failed.length}: ${failed[0].failed}` : ''}`,
        );
      }
      const loads: Sample[] = [];
      for (let i = 0; i < REPEAT && !budget.spent; i += 1) {
        loads.push(await dashboard(base, key, period, set.filters));
      }
      const failedLoad = loads.find((s): s is { failed: string } => 'failed' in s);
      log(
        `  ${'whole dashboard'.padEnd(22)} ${percentile(loads, 0.5).padStart(8)} ${percentile(loads, 0.95).padStart(8)}  ${failedLoad ? failedLoad.failed.slice(0, 300) : ''}`,
      );
      results.push({ period, filters: set.name, samples: loads });
    }
  }
  return results;
}

function summarize(results: DashboardResult[]): void {
  log(
    `\nWhole dashboard load (${KINDS.length} requests, ${CONCURRENCY} at a time; ${REPEAT} loads after a warm-up; nearest-rank percentiles):`,
  );
  log(
    `  ${'period'.padEnd(6)} ${'filters'.padEnd(14)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}  target`,
  );
  for (const result of results) {
    const target = result.period === '30d' ? TARGETS[result.filters] : undefined;
    const verdict =
      target === undefined
        ? ''
        : result.samples.length === 0
          ? `p95 ≤ ${target} ms: not measured`
          : `p95 ≤ ${target} ms: ${p95Ms(result.samples) <= target ? 'met' : 'not met'}`;
    log(
      `  ${result.period.padEnd(6)} ${result.filters.padEnd(14)} ${percentile(result.samples, 0.5).padStart(8)} ${percentile(result.samples, 0.95).padStart(8)}  ${verdict}`,
    );
  }
}

/** The dashboard in Chromium (unless BENCH_STATS_BROWSER=0 or there is no Chromium). */
async function measureBrowser(databaseUrl: string, siteId: string): Promise<void> {
  if (process.env.BENCH_STATS_BROWSER === '0') return;
  if (!chromiumAvailable()) {
    log('\nThe dashboard in Chromium: skipped, no Chromium (apt-get install -y chromium).');
    return;
  }
  const results = await measureDashboardLoads({
    databaseUrl,
    origin: `http://127.0.0.1:${APP_PORT}`,
    siteId,
    views: [
      { name: '30d', query: 'period=30d' },
      { name: '30d, one filter', query: 'period=30d&filter=source:is:Google' },
      { name: '12mo', query: 'period=12mo' },
    ],
    repeat: REPEAT,
    timeoutMs: TIMEOUT_MS + 10_000,
  });
  log(
    `\nThe dashboard in Chromium, from the start of the navigation (${REPEAT} loads after a warm-up; p50 / p95 ms):`,
  );
  log(
    `  ${'view'.padEnd(16)} ${'figures'.padStart(13)} ${'chart drawn'.padStart(13)} ${'all panels'.padStart(13)}`,
  );
  for (const { view, loads } of results) {
    const column = (key: keyof LoadTimes) => {
      const samples: Sample[] = loads.map((load) => ('failed' in load ? load : { ms: load[key] }));
      return `${percentile(samples, 0.5)} / ${percentile(samples, 0.95)}`.padStart(13);
    };
    const failed = loads.find((load): load is { failed: string } => 'failed' in load);
    log(
      `  ${view.padEnd(16)} ${column('figures')} ${column('chart')} ${column('panels')}  ${failed ? failed.failed.slice(0, 200) : ''}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | undefined;
  let throwAway: string | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    let dataDir: string;
    if (DATA_DIR) {
      dataDir = resolve(DATA_DIR);
      await mkdir(dataDir, { recursive: true });
    } else {
      throwAway = await mkdtemp(join(tmpdir(), 'trackveil-bench-stats-'));
      await chmod(throwAway, 0o755);
      dataDir = join(throwAway, 'postgres');
    }
    embedded = await EmbeddedDatabase.start({ dataDir, port: EMBEDDED_PORT });
    databaseUrl = embedded.url;
    log(
      `Embedded PostgreSQL in ${dataDir}${throwAway ? ' (thrown away at the end)' : ' (kept: BENCH_STATS_DATA_DIR)'}`,
    );
  } else {
    log('PostgreSQL from DATABASE_URL (the generated data is kept there)');
  }
  const url = databaseUrl;
  const app = startServer(url); // migrates the database at boot
  server = app;
  // Should this process die early (Ctrl-C, a closed pipe), the server does not outlive it.
  process.once('exit', () => app.kill('SIGTERM'));
  let apiKeyId: string | undefined;
  try {
    await waitForHttp(`http://127.0.0.1:${APP_PORT}/health`, app);
    let generated = false;
    const siteId = await withClient(url, async (client) => {
      const found = await existingSite(client);
      if (found) {
        log(`Reusing the site generated by an earlier run ("${siteName()}"): no generation.`);
        return found;
      }
      log(
        `Generating "${siteName()}" and ${NOISE_SITES} noise sites (${NOISE_SHARE * 100} % more rows)…`,
      );
      generated = true;
      const [id, generateMs] = await timed(() => generate(client));
      const [, analyzeMs] = await timed(() =>
        client.query(`VACUUM (ANALYZE) ${TABLES.join(', ')}`),
      );
      log(`Generated in ${seconds(generateMs)}; VACUUM (ANALYZE) in ${seconds(analyzeMs)}`);
      return id;
    });
    await withClient(url, (client) => describeData(client, siteId));
    if (REBUILD || generated) {
      const [rollups, rollupMs] = await timed(() => rebuildRollups(url));
      log(`Rollup rebuild: ${rollups} (${seconds(rollupMs)})`);
    } else {
      log('Rollup rebuild skipped (BENCH_STATS_REBUILD=0): the rollups of the earlier run stay.');
    }

    await withClient(url, (client) => waitForSpans(client, siteId));

    const apiKey = await withClient(url, (client) => createApiKey(client, siteId));
    apiKeyId = apiKey.id;
    const base = `http://127.0.0.1:${APP_PORT}/api/sites/${siteId}/stats`;
    log(
      `\nEach query: 1 warm-up, then ${REPEAT} timed, one at a time; timeout ${TIMEOUT_MS} ms (STATS_QUERY_TIMEOUT_MS). Node ${process.version}.`,
    );
    const results = await measure(base, apiKey.key, new Budget());
    summarize(results);
    await measureBrowser(url, siteId);
  } finally {
    if (apiKeyId) {
      const id = apiKeyId;
      await withClient(url, (client) =>
        client.query(`DELETE FROM api_keys WHERE id = $1`, [id]),
      ).catch(() => undefined);
    }
    await stopServer(app);
    await embedded?.stop();
    if (throwAway) await rm(throwAway, { recursive: true, force: true });
  }
}

await main();
