import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment.js';

export const databaseConfig = registerAs('database', () => {
  const env = readEnvironment();
  return {
    /** Unset: Trackveil runs its own embedded PostgreSQL (see `EmbeddedDatabase`). */
    url: env.DATABASE_URL,
    poolSize: env.DATABASE_POOL_SIZE,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    /** Server-side bound on every statement of the app's connections: the ingestion bound. */
    statementTimeoutMs: env.INGEST_TIMEOUT_MS,
    healthTimeoutMs: env.HEALTH_TIMEOUT_MS,
    embeddedDir: env.EMBEDDED_POSTGRES_DIR,
    embeddedPort: env.EMBEDDED_POSTGRES_PORT,
  };
});

export type DatabaseConfig = ReturnType<typeof databaseConfig>;
