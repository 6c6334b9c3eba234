import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { readEnvironment } from './src/config/environment.js';
import { buildDataSourceOptions } from './src/database/data-source-options.js';
import { EmbeddedDatabase } from './src/database/embedded-database.js';

/**
 * The DataSource the TypeORM CLI uses (`npm run migration:*`). It reads the same environment as
 * the server: `DATABASE_URL`, or else the embedded PostgreSQL under `EMBEDDED_POSTGRES_DIR`.
 */
async function createDataSource(): Promise<DataSource> {
  const env = readEnvironment();
  const url =
    env.DATABASE_URL ??
    (
      await EmbeddedDatabase.start({
        dataDir: env.EMBEDDED_POSTGRES_DIR,
        port: env.EMBEDDED_POSTGRES_PORT,
        log: (message) => console.error(message),
      })
    ).url;
  return new DataSource(buildDataSourceOptions({ url }));
}

export default createDataSource();
