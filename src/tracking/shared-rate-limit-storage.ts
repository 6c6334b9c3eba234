import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import {
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { getToken, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { trackingConfig } from '../config/tracking.config.js';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export const RATE_LIMIT_STORAGE_ERRORS = 'trackveil_rate_limit_storage_errors_total';

/** Every rate-limit key in Redis starts with this, apart from other users of the same Redis. */
export const RATE_LIMIT_KEY_PREFIX = 'trackveil:rate-limit:';

/**
 * The longest a `/track` request waits for Redis before it is let through unchecked. Redis answers
 * the counting script in well under a millisecond; a connection silent this long is dropped and
 * opened again.
 */
export const REDIS_TIMEOUT_MS = 500;
const REDIS_CONNECT_TIMEOUT_MS = 2000;
const MAX_RECONNECT_DELAY_MS = 2000;

const UNCHECKED: ThrottlerStorageRecord = {
  totalHits: 0,
  timeToExpire: 0,
  isBlocked: false,
  timeToBlockExpire: 0,
};

/** `redis://host:port` of a Redis URL, without its credentials or database: safe to log. */
export function describeRedisUrl(url: string): string {
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}`;
}

/**
 * The rate-limit counts of every replica in one Redis (`REDIS_URL`), with the counting script of
 * @nest-lab/throttler-storage-redis. When Redis does not answer, requests are let through
 * unchecked (fail open) and counted in `trackveil_rate_limit_storage_errors_total`: losing the
 * rate limit for a while is better than refusing every page view. Nothing waits for Redis to come
 * back: ioredis queues no command while disconnected and gives up on a command after
 * `REDIS_TIMEOUT_MS`, and it reconnects in the background, so shared counting resumes by itself.
 * The outage is logged once when it starts and once when it ends.
 */
export class SharedRateLimitStorage
  implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown
{
  private readonly logger = new Logger(SharedRateLimitStorage.name);
  readonly redis: Redis;
  private readonly storage: ThrottlerStorageRedisService;
  private readonly where: string;
  private state: 'starting' | 'up' | 'down' = 'starting';
  private everUp = false;
  private closing = false;

  constructor(
    url: string,
    private readonly uncheckedRequests: Pick<Counter, 'inc'>,
  ) {
    this.where = describeRedisUrl(url);
    this.redis = new Redis(url, {
      lazyConnect: true,
      connectionName: 'trackveil',
      keyPrefix: RATE_LIMIT_KEY_PREFIX,
      // While disconnected, fail at once instead of queueing until Redis is back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: REDIS_TIMEOUT_MS,
      socketTimeout: REDIS_TIMEOUT_MS,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      // Never give up: the limits are shared again as soon as Redis answers.
      retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    });
    // ioredis emits an error for every failed reconnection; the state change is logged once.
    this.redis.on('error', (error: Error) => this.markDown(error.message));
    this.redis.on('close', () => this.markDown('the connection was closed'));
    this.redis.on('ready', () => this.markUp());
    this.storage = new ThrottlerStorageRedisService(this.redis);
  }

  /** Connects before the app serves requests; an unreachable Redis does not stop the start. */
  async onModuleInit(): Promise<void> {
    await this.redis.connect().catch(() => undefined);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis.status !== 'ready') return this.unchecked(`it is ${this.redis.status}`);
    try {
      const record = await this.storage.increment(key, ttl, limit, blockDuration, throttlerName);
      if (this.state !== 'up') this.markUp();
      return record;
    } catch (error) {
      return this.unchecked(error instanceof Error ? error.message : String(error));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }

  private unchecked(reason: string): ThrottlerStorageRecord {
    this.markDown(reason);
    this.uncheckedRequests.inc();
    return UNCHECKED;
  }

  private markDown(reason: string): void {
    if (this.closing || this.state === 'down') return;
    this.state = 'down';
    this.logger.warn(
      `Redis at ${this.where} does not answer (${reason}): /track accepts events without a rate limit (sign-in and password-reset attempts are counted by each replica alone) until it is back; each is counted in ${RATE_LIMIT_STORAGE_ERRORS}.`,
    );
  }

  private markUp(): void {
    if (this.closing || this.state === 'up') return;
    this.state = 'up';
    this.logger.log(
      this.everUp
        ? `Redis at ${this.where} answers again: rate limits are shared by every replica again.`
        : `Rate limits are counted in Redis at ${this.where}, shared by every replica.`,
    );
    this.everUp = true;
  }
}

/**
 * `ThrottlerStorage` for `TrackRequestMiddleware` and the sign-in limits (`RateLimitModule`
 * provides it once): Redis when `REDIS_URL` is set, else
 * @nestjs/throttler's in-memory storage (each replica counts on its own).
 */
export const rateLimitStorageProviders: Provider[] = [
  makeCounterProvider({
    name: RATE_LIMIT_STORAGE_ERRORS,
    help: 'Requests (/track, sign-in, password resets) let through without a rate-limit check because Redis (REDIS_URL) did not answer.',
  }),
  {
    provide: ThrottlerStorage,
    inject: [trackingConfig.KEY, getToken(RATE_LIMIT_STORAGE_ERRORS)],
    useFactory: (config: ConfigType<typeof trackingConfig>, uncheckedRequests: Counter) =>
      config.rateLimit.redisUrl
        ? new SharedRateLimitStorage(config.rateLimit.redisUrl, uncheckedRequests)
        : new ThrottlerStorageService(),
  },
];
