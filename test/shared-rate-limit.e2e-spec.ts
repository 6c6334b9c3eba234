import { randomBytes } from 'node:crypto';
import { normalizeIp } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import {
  RATE_LIMIT_KEY_PREFIX,
  RATE_LIMIT_STORAGE_ERRORS,
} from '../src/tracking/shared-rate-limit-storage.js';
import { cleanEnv, NodeProcess, runNode } from './utils/child-process.js';
import { openDataSource, waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { freePort } from './utils/free-port.js';
import { parsePrometheus, sampleValue } from './utils/prometheus.js';
import { openRedis, redisAvailable, TEST_REDIS_URL } from './utils/redis.js';
import { TcpProxy } from './utils/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const SERVER = 'dist/src/main.js';
const LIMIT = 4;
/** Long enough that no count expires during the test. */
const WINDOW_SECONDS = 3600;
/** What "quickly" means on a busy shared machine: no waiting for Redis to reconnect. */
const QUICK_MS = 1000;
const OUTAGE =
  /^Redis at redis:\/\/127\.0\.0\.1:\d+ does not answer \(.+\): \/track accepts events without a rate limit/;
const RECOVERY =
  /^Redis at redis:\/\/127\.0\.0\.1:\d+ answers again: rate limits are shared by every replica again\.$/;

const redisUp = await redisAvailable();

interface LogLine {
  level: string;
  msg: string;
}

interface Replica {
  name: string;
  baseUrl: string;
  process: NodeProcess;
}

/** A client address of its own (its own /64), so counts left in Redis by other runs cannot matter. */
function newClient(): string {
  const group = () => randomBytes(2).toString('hex');
  return `2001:db8:${group()}:${group()}::1`;
}

/** The built server's JSON log lines about the rate-limit storage. */
function storageLogs(replica: Replica): LogLine[] {
  const lines = replica.process.stdout.split('\n');
  lines.pop(); // an unfinished line, if any
  return lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine & { context?: string })
    .filter((line) => line.context === 'SharedRateLimitStorage');
}

function logsMatching(replica: Replica, level: string, pattern: RegExp): LogLine[] {
  return storageLogs(replica).filter((line) => line.level === level && pattern.test(line.msg));
}

async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = new NodeProcess(
    SERVER,
    [],
    cleanEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      TRUST_PROXY: '1',
      RATE_LIMIT_MAX_REQUESTS: String(LIMIT),
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      CREATE_DEMO_SITE: 'false',
      DATABASE_POOL_SIZE: '2',
      LOG_LEVEL: 'info',
      ...env,
    }),
  );
  const ready = waitFor(
    `replica ${name} to answer GET /health/ready with 200`,
    async () => (await fetch(`${baseUrl}/health/ready`)).status === 200,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  const died = child.finished.then(() => {
    throw new Error(`Replica ${name} exited (${child.exitDescription}) before it was ready.`);
  });
  try {
    await Promise.race([ready, died]);
  } catch (error) {
    child.child.kill('SIGKILL');
    throw new Error(
      `${(error as Error).message}\nstdout:\n${child.stdout}\nstderr:\n${child.stderr}`,
      { cause: error },
    );
  }
  return { name, baseUrl, process: child };
}

async function stopReplica(replica: Replica | undefined): Promise<void> {
  if (!replica?.process.running) return;
  await replica.process.stop('SIGTERM', 15_000).catch(() => replica.process.stop('SIGKILL', 5_000));
}

describe('a bad REDIS_URL', () => {
  it('should stop the start with a message naming REDIS_URL', async () => {
    const result = await runNode(
      SERVER,
      [],
      cleanEnv({
        REDIS_URL: 'http://127.0.0.1:6379',
        // Never reached: the configuration is checked first.
        DATABASE_URL: 'postgres://trackveil@127.0.0.1:1/unused',
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
      }),
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Trackveil could not start.');
    expect(result.stderr).toContain(
      'REDIS_URL must be a redis:// or rediss:// URL such as redis://redis:6379, or be left unset to count rate limits in each replica.',
    );
  });
});

describe.skipIf(!redisUp)('POST /track rate limits shared through Redis by two replicas', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let redis: Redis;
  let siteId: string;
  /** Between the replicas and Redis: cutting it is Redis stopping, for them only. */
  let proxy: TcpProxy;
  let a: Replica;
  let b: Replica;
  /** The client that goes over the limit in the first test. */
  const limited = newClient();

  const track = async (replica: Replica, client: string, path: string) => {
    const started = performance.now();
    const res = await fetch(`${replica.baseUrl}/track`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': CHROME_UA,
        'X-Forwarded-For': client,
      },
      body: JSON.stringify(makeEvent(siteId, { url: `https://example.com${path}` })),
    });
    await res.arrayBuffer();
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      ms: performance.now() - started,
    };
  };

  const storedPaths = async (prefix: string): Promise<string[]> => {
    const rows: { path: string }[] = await dataSource.query(
      'SELECT path FROM page_views WHERE site_id = $1 AND path LIKE $2 ORDER BY path',
      [siteId, `${prefix}%`],
    );
    return rows.map((row) => row.path);
  };

  const uncheckedCount = async (replica: Replica): Promise<number> => {
    const text = await (await fetch(`${replica.baseUrl}/metrics`)).text();
    return sampleValue(parsePrometheus(text), RATE_LIMIT_STORAGE_ERRORS);
  };

  /** The hits Redis holds for a client (refused ones included). */
  const hitsInRedis = (client: string) =>
    redis.get(`${RATE_LIMIT_KEY_PREFIX}{${normalizeIp(client)}:default}:hits`);

  /** Sends LIMIT events from `client` alternately to A and B, then one more to each. */
  const sendOverTheLimit = async (client: string, prefix: string) => {
    const statuses = [];
    for (let i = 0; i < LIMIT; i += 1) {
      statuses.push((await track(i % 2 === 0 ? a : b, client, `${prefix}/${i}`)).status);
    }
    const refused = [
      await track(a, client, `${prefix}/over-a`),
      await track(b, client, `${prefix}/over-b`),
    ];
    return { statuses, refused };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url);
    siteId = (await makeSite(dataSource)).id;
    redis = openRedis();
    const target = new URL(TEST_REDIS_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    const env = { DATABASE_URL: db.url, REDIS_URL: proxy.urlFor(TEST_REDIS_URL) };
    [a, b] = await Promise.all([startReplica('A', env), startReplica('B', env)]);
  });

  afterAll(async () => {
    await Promise.all([stopReplica(a), stopReplica(b)]);
    await proxy?.cut();
    await redis?.quit();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('should accept the limit from one client across both replicas, refuse the next on either with 429, and store exactly the limit', async () => {
    for (const replica of [a, b]) {
      expect(logsMatching(replica, 'info', /^Rate limits are counted in Redis at /)).toHaveLength(
        1,
      );
    }

    const { statuses, refused } = await sendOverTheLimit(limited, '/shared');

    expect(statuses).toEqual(Array(LIMIT).fill(202));
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(WINDOW_SECONDS);
    }
    expect(await storedPaths('/shared/')).toEqual(
      Array.from({ length: LIMIT }, (_, i) => `/shared/${i}`),
    );
    expect(await hitsInRedis(limited)).toBe(String(LIMIT + 2));
    expect(await uncheckedCount(a)).toBe(0);
    expect(await uncheckedCount(b)).toBe(0);
  });

  it('should keep accepting and storing events quickly on both replicas while Redis is unreachable, counting each and logging the outage once', async () => {
    await proxy.cut();

    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      answers.push(await track(a, limited, `/outage/a${i}`));
      answers.push(await track(b, limited, `/outage/b${i}`));
    }

    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.ms).toBeLessThan(QUICK_MS);
    }
    expect(await storedPaths('/outage/')).toEqual([
      '/outage/a0',
      '/outage/a1',
      '/outage/a2',
      '/outage/b0',
      '/outage/b1',
      '/outage/b2',
    ]);
    expect(await uncheckedCount(a)).toBe(3);
    expect(await uncheckedCount(b)).toBe(3);
    for (const replica of [a, b]) {
      await waitFor(
        `replica ${replica.name} to log the outage`,
        () => logsMatching(replica, 'warn', OUTAGE).length > 0,
      );
      expect(logsMatching(replica, 'warn', OUTAGE)).toHaveLength(1);
      expect(storageLogs(replica).filter((line) => line.level === 'warn')).toHaveLength(1);
    }
  });

  it('should share the limit again once Redis is back, without anyone restarting', async () => {
    await proxy.restore();
    for (const replica of [a, b]) {
      await waitFor(
        `replica ${replica.name} to reconnect to Redis`,
        () => logsMatching(replica, 'info', RECOVERY).length > 0,
      );
    }

    // Its block, kept in Redis through the outage, holds on both replicas.
    expect((await track(a, limited, '/back/limited-a')).status).toBe(429);
    expect((await track(b, limited, '/back/limited-b')).status).toBe(429);
    const fresh = newClient();
    const { statuses, refused } = await sendOverTheLimit(fresh, '/back/fresh');

    expect(statuses).toEqual(Array(LIMIT).fill(202));
    expect(refused.map((answer) => answer.status)).toEqual([429, 429]);
    expect(await storedPaths('/back/')).toEqual(
      Array.from({ length: LIMIT }, (_, i) => `/back/fresh/${i}`),
    );
    expect(await hitsInRedis(fresh)).toBe(String(LIMIT + 2));
    expect(await uncheckedCount(a)).toBe(3);
    expect(await uncheckedCount(b)).toBe(3);
    for (const replica of [a, b]) {
      expect(logsMatching(replica, 'info', RECOVERY)).toHaveLength(1);
      expect(logsMatching(replica, 'warn', OUTAGE)).toHaveLength(1);
    }
  });

  it('should stop cleanly on SIGTERM without logging a Redis outage', async () => {
    const finished = await a.process.stop('SIGTERM', 15_000);

    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stdout).toContain('Stopped.');
    expect(logsMatching(a, 'warn', OUTAGE)).toHaveLength(1);
  });

  it('should start and accept events when Redis is unreachable at start, logging it once', async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const c = await startReplica('C', { DATABASE_URL: db.url, REDIS_URL: nowhere });
    try {
      const client = newClient();
      const answers = [];
      for (let i = 0; i <= LIMIT; i += 1) answers.push(await track(c, client, `/unreachable/${i}`));

      // Unchecked: even the event over the limit is accepted.
      expect(answers.map((answer) => answer.status)).toEqual(Array(LIMIT + 1).fill(202));
      expect(await storedPaths('/unreachable/')).toHaveLength(LIMIT + 1);
      expect(await uncheckedCount(c)).toBe(LIMIT + 1);
      expect(logsMatching(c, 'warn', OUTAGE)).toHaveLength(1);
    } finally {
      await stopReplica(c);
    }
  });
});
