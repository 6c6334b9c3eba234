import { Redis } from 'ioredis';

/** The Redis the shared rate-limit tests use (only keys of their own, under unique names). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether a Redis answers at `TEST_REDIS_URL`. Without one the Redis tests are skipped with a
 * message, unless `TRACKVEIL_REQUIRE_REDIS=1` (set by `.ci/run`) turns that into a failure, so CI
 * can never pass without running them.
 */
export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The connection error, more telling than the "Connection is closed." that connect() rejects with.
  let connectionError: Error | undefined;
  redis.on('error', (error: Error) => (connectionError ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch (error) {
    const message = `No Redis answers at ${TEST_REDIS_URL} (${(connectionError ?? (error as Error)).message}): the shared rate-limit tests need one (apt-get install -y redis-server, or set TEST_REDIS_URL).`;
    if (process.env.TRACKVEIL_REQUIRE_REDIS === '1') throw new Error(message, { cause: error });
    console.warn(`${message} Skipping them.`);
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A client of its own on `TEST_REDIS_URL`, for a test to look at what is stored. */
export function openRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
}
