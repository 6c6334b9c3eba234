import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment.js';

export const statsConfig = registerAs('stats', () => {
  const env = readEnvironment();
  return {
    /** The longest a stats query (or one fetch of an export) may run in PostgreSQL. */
    queryTimeoutMs: env.STATS_QUERY_TIMEOUT_MS,
  };
});
