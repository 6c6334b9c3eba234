import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment.js';

export const statsConfig = registerAs('stats', () => {
  const env = readEnvironment();
  return {
    /** The longest a stats query (or one fetch of an export) may run in PostgreSQL. */
    queryTimeoutMs: env.STATS_QUERY_TIMEOUT_MS,
    /**
     * Database connections the stats may use at once, so that dashboards never take the ones
     * ingestion needs; more requests wait for one (up to the query timeout).
     */
    maxConcurrentQueries: env.STATS_MAX_CONCURRENT_QUERIES,
    poolSize: env.DATABASE_POOL_SIZE,
    ingestConnections: env.INGEST_MAX_CONCURRENT_BATCHES,
  };
});
