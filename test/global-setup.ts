import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { TestProject } from 'vitest/node';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { EmbeddedDatabase } from '../src/database/embedded-database.js';
import { runMigrations } from '../src/database/run-migrations.js';
import { freePort } from './utils/free-port.js';
import { databaseUrl } from './utils/test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL whose user may create databases. */
    adminDatabaseUrl: string;
    /** The migrated database each e2e file copies. */
    templateDatabase: string;
    /** The prefix of every database this run creates. */
    databasePrefix: string;
  }
}

/**
 * One PostgreSQL for the whole run: the server in `DATABASE_URL`, or else an embedded one in a
 * temporary directory (what a fresh machine has). The schema is migrated once into a template
 * database; every e2e file then works in its own `CREATE DATABASE … TEMPLATE` copy.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: EmbeddedDatabase | undefined;
  let dataRoot: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataRoot = await mkdtemp(join(tmpdir(), 'trackveil-test-'));
    await chmod(dataRoot, 0o755); // PostgreSQL runs as the `postgres` user when we are root
    embedded = await EmbeddedDatabase.start({
      dataDir: join(dataRoot, 'postgres'),
      port: await freePort(),
    });
    adminUrl = embedded.url;
  }

  const prefix = `trackveil_test_${randomBytes(4).toString('hex')}`;
  const template = `${prefix}_template`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  const dataSource = new DataSource(
    buildDataSourceOptions({ url: databaseUrl(adminUrl, template) }),
  );
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);
  project.provide('databasePrefix', prefix);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.end();
    await embedded?.stop();
    if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  };
}
