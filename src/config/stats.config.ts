import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment.js';

export const statsConfig = registerAs('stats', () => {
  const env = readEnvironment();
  return {
    /** The longest a stats query (or one fetch of an export) may run in PostgreSQL. */
    queryTimeoutMs: env.STATS_QUERY_TIMEOUT_MS,
    /**
     * Database connections the stats may use at once (a pool of their own, see `StatsPool`), so
     * that dashboards never take the ones ingestion needs; more requests wait for one (up to the
     * query timeout).
     */
    maxConcurrentQueries: env.STATS_MAX_CONCURRENT_QUERIES,
    /** How often the rollup job brings the rollups up to date; 0: no rollups, raw rows only. */
    rollupIntervalMs: env.STATS_ROLLUP_INTERVAL_SECONDS * 1000,
    /**
     * A period that includes today and whose rollups hold at most this many page views is read
     * from the raw rows (quick at that size), so that its figures are not behind by up to a
     * rollup interval; 0: rollups wherever they exist.
     */
    rawMaxPageviews: env.STATS_RAW_MAX_PAGEVIEWS,
    /**
     * Memory for the day columns a replica keeps between requests (see `ColumnsReader`): about
     * 26 bytes a page view.
     */
    columnsCacheBytes: env.STATS_COLUMNS_CACHE_MB * 1024 * 1024,
    /** Worker threads that count the day columns (see `CountPool`); 0: the main thread does. */
    countThreads: env.STATS_COUNT_THREADS,
    ingestTimeoutMs: env.INGEST_TIMEOUT_MS,
    sessionTimeoutMs: env.SESSION_TIMEOUT_MINUTES * 60_000,
  };
});
