import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { waitFor } from '../../test/utils/data-source.js';
import { freePort } from '../../test/utils/free-port.js';
import { openRedis, redisAvailable, TEST_REDIS_URL } from '../../test/utils/redis.js';
import {
  describeRedisUrl,
  RATE_LIMIT_KEY_PREFIX,
  REDIS_TIMEOUT_MS,
  SharedRateLimitStorage,
} from './shared-rate-limit-storage.js';

const WINDOW_MS = 60_000;
/** Slack for a shared, busy machine on top of what the storage promises. */
const SLACK_MS = 1000;

const redisUp = await redisAvailable();

/**
 * A TCP pass-through to Redis that can freeze: while frozen, bytes are dropped both ways and the
 * connections stay open, as with a Redis that hangs or a network that silently loses packets.
 */
class FreezableProxy {
  frozen = false;
  port = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  async start(): Promise<void> {
    const target = new URL(TEST_REDIS_URL);
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.on('data', (data) => this.frozen || upstream.write(data));
      upstream.on('data', (data) => this.frozen || client.write(data));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  get url(): string {
    const url = new URL(TEST_REDIS_URL);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('describeRedisUrl', () => {
  it('should keep the scheme, host and port and drop the credentials and database', () => {
    expect(describeRedisUrl('rediss://user:secret@redis.example.com:6380/2')).toBe(
      'rediss://redis.example.com:6380',
    );
  });
});

describe.skipIf(!redisUp)('SharedRateLimitStorage on a real Redis', () => {
  let inspector: Redis;
  let storages: SharedRateLimitStorage[] = [];
  let warn: ReturnType<typeof vi.spyOn>;
  let log: ReturnType<typeof vi.spyOn>;

  const newCounter = () =>
    new Counter({ name: 'unchecked_requests_total', help: 'test', registers: [] });
  const counted = async (counter: Counter) => (await counter.get()).values[0]?.value ?? 0;

  const open = async (url: string, counter = newCounter()) => {
    const storage = new SharedRateLimitStorage(url, counter);
    storages.push(storage);
    await storage.onModuleInit();
    return storage;
  };

  /** One hit for `key`, timed. */
  const hit = async (storage: SharedRateLimitStorage, key: string, limit = 3) => {
    const started = performance.now();
    const record = await storage.increment(key, WINDOW_MS, limit, WINDOW_MS, 'default');
    return { ...record, ms: performance.now() - started };
  };

  const storedHits = async (key: string) =>
    inspector.get(`${RATE_LIMIT_KEY_PREFIX}{${key}:default}:hits`);

  beforeAll(() => {
    inspector = openRedis();
  });

  beforeEach(() => {
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    for (const storage of storages) await storage.onApplicationShutdown();
    storages = [];
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await inspector?.quit();
  });

  it('should share one count between two storages, blocking the hit over the limit on either', async () => {
    const a = await open(TEST_REDIS_URL);
    const b = await open(TEST_REDIS_URL);
    const key = `client-${randomUUID()}`;

    const allowed = [await hit(a, key), await hit(b, key), await hit(a, key)];
    const refusedOnB = await hit(b, key);
    const refusedOnA = await hit(a, key);

    expect(allowed.map((record) => record.isBlocked)).toEqual([false, false, false]);
    expect(allowed.map((record) => record.totalHits)).toEqual([1, 2, 3]);
    for (const refused of [refusedOnB, refusedOnA]) {
      expect(refused.isBlocked).toBe(true);
      expect(refused.timeToBlockExpire).toBeGreaterThan(0);
      expect(refused.timeToBlockExpire).toBeLessThanOrEqual(WINDOW_MS / 1000);
    }
    expect(await storedHits(key)).toBe('5');
    const ttl = await inspector.pttl(`${RATE_LIMIT_KEY_PREFIX}{${key}:default}:hits`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    expect(log).toHaveBeenCalledWith(
      `Rate limits are counted in Redis at ${describeRedisUrl(TEST_REDIS_URL)}, shared by every replica.`,
    );
    expect(warn).not.toHaveBeenCalled();
  });

  it('should start and let every hit through at once, counted and logged once, when nothing listens at the address', async () => {
    const counter = newCounter();
    const url = `redis://127.0.0.1:${await freePort()}`;
    const started = performance.now();
    const storage = await open(url, counter);
    expect(performance.now() - started).toBeLessThan(REDIS_TIMEOUT_MS + SLACK_MS);

    const hits = [];
    for (let i = 0; i < 5; i += 1) hits.push(await hit(storage, 'client-nowhere', 1));

    expect(hits.map((record) => record.isBlocked)).toEqual([false, false, false, false, false]);
    for (const { ms } of hits) expect(ms).toBeLessThan(SLACK_MS);
    expect(await counted(counter)).toBe(5);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(
      new RegExp(`^Redis at ${url} does not answer \\(.+\\): /track accepts events`),
    );
  });

  it('should give up on a Redis that stops answering within its timeout, then share counts again once it answers', async () => {
    const proxy = new FreezableProxy();
    await proxy.start();
    try {
      const counter = newCounter();
      const storage = await open(proxy.url, counter);
      const key = `client-${randomUUID()}`;
      expect((await hit(storage, key)).totalHits).toBe(1);

      proxy.frozen = true;
      const hung = await hit(storage, key);
      const next = await hit(storage, key);

      expect(hung.isBlocked).toBe(false);
      expect(hung.ms).toBeGreaterThanOrEqual(REDIS_TIMEOUT_MS - 50);
      expect(hung.ms).toBeLessThan(REDIS_TIMEOUT_MS + SLACK_MS);
      expect(next.isBlocked).toBe(false);
      expect(await counted(counter)).toBe(2);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(await storedHits(key)).toBe('1');

      proxy.frozen = false;
      await waitFor('the storage to reconnect', () => storage.redis.status === 'ready', {
        timeoutMs: 10_000,
      });
      expect((await hit(storage, key)).totalHits).toBe(2);
      expect(await storedHits(key)).toBe('2');
      expect(await counted(counter)).toBe(2);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(log).toHaveBeenLastCalledWith(
        `Redis at redis://127.0.0.1:${proxy.port} answers again: rate limits are shared by every replica again.`,
      );
    } finally {
      await proxy.stop();
    }
  });

  it('should close its connection on application shutdown, without logging an outage', async () => {
    const storage = await open(TEST_REDIS_URL);
    expect(storage.redis.status).toBe('ready');

    await storage.onApplicationShutdown();

    // QUIT has been answered; Redis then closes the connection.
    await waitFor('the connection to end', () => storage.redis.status === 'end', {
      timeoutMs: 5000,
    });
    expect(warn).not.toHaveBeenCalled();
  });
});
