import { type DataSource, MigrationExecutor } from 'typeorm';

/** Any fixed 64-bit number; it only has to be the same for every Trackveil replica. */
const MIGRATION_LOCK_KEY = 7_391_204_118;

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so replicas starting
 * together take turns instead of racing (the second finds nothing left to do). Returns the names
 * of the migrations it applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
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
    await queryRunner.release();
  }
}
