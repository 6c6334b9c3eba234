import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment.js';

export const trackingConfig = registerAs('tracking', () => {
  const env = readEnvironment();
  return {
    sessionTimeoutMs: env.SESSION_TIMEOUT_MINUTES * 60_000,
    rateLimit: {
      windowMs: env.RATE_LIMIT_WINDOW_SECONDS * 1000,
      maxRequests: env.RATE_LIMIT_MAX_REQUESTS,
      /** Unset: each replica counts on its own, in memory. */
      redisUrl: env.REDIS_URL,
    },
    siteCacheTtlMs: env.SITE_CACHE_TTL_SECONDS * 1000,
    eventIdRetentionMs: env.EVENT_ID_RETENTION_DAYS * 86_400_000,
    /** How often the per-site retention job runs (after a first run a minute after start). */
    retentionIntervalMs: env.RETENTION_INTERVAL_HOURS * 3_600_000,
    ingest: {
      maxBatchSize: env.INGEST_MAX_BATCH_SIZE,
      maxConcurrentBatches: env.INGEST_MAX_CONCURRENT_BATCHES,
      minConcurrentBatchSize: env.INGEST_MIN_CONCURRENT_BATCH_SIZE,
      maxQueueLength: env.INGEST_MAX_QUEUE,
      timeoutMs: env.INGEST_TIMEOUT_MS,
    },
  };
});

export type TrackingConfig = ReturnType<typeof trackingConfig>;
