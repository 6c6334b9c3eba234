import { type DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed 64-bit number; it only has to be the same for every Trackveil replica. */
const MIGRATION_LOCK_KEY = 7_391_204_118;

/**
 * The connection's limits that are meant for ingestion, not for a migration rebuilding an index
 * or for a replica waiting on the lock while another migrates: lifted for the migrations, then
 * put back. `transaction_timeout` exists only from PostgreSQL 17 on; pg_settings lists only what exists.
 */
const LIFTED_TIMEOUTS = ['statement_timeout', 'transaction_timeout'];

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so replicas starting
 * together take turns instead of racing (the second finds nothing left to do). Returns the names
 * of the migrations it applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    const limits = (await queryRunner.query(
      'SELECT name, setting FROM pg_settings WHERE name = ANY($1)',
      [LIFTED_TIMEOUTS],
    )) as { name: string; setting: string }[];
    const names = limits.map((limit) => limit.name);
    await queryRunner.query(`SELECT set_config(name, '0', false) FROM unnest($1::text[]) name`, [
      names,
    ]);
    try {
      await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        const executor = new MigrationExecutor(dataSource, queryRunner);
        executor.transaction = 'each';
        const applied = await executor.executePendingMigrations();
        return applied.map((migration) => migration.name);
      } finally {
        await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      await queryRunner.query(
        'SELECT set_config(name, setting, false) FROM unnest($1::text[], $2::text[]) t(name, setting)',
        [names, limits.map((limit) => limit.setting)],
      );
    }
  } finally {
    await queryRunner.release();
  }
}
