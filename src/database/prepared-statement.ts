import type pg from 'pg';
import { type EntityManager, QueryFailedError } from 'typeorm';

/** A statement of the ingestion hot path: parsed and planned once per connection, not per batch. */
export interface PreparedStatement {
  /** Unique per text: PostgreSQL keeps the statement under this name on each connection. */
  name: string;
  text: string;
}

/**
 * Runs a named prepared statement on the connection of the caller's transaction. TypeORM's
 * `em.query` sends unnamed statements, which PostgreSQL parses and plans on every call; the
 * ingestion statements are the same few texts thousands of times a second. Errors come back as
 * TypeORM's `QueryFailedError`, like those of `em.query`.
 */
export async function queryPrepared<T>(
  em: EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T[]> {
  const runner = em.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new Error(`${statement.name} must run inside a transaction.`);
  }
  const client = (await runner.connect()) as pg.PoolClient;
  try {
    const result = await client.query<T & pg.QueryResultRow>({ ...statement, values });
    return result.rows;
  } catch (error) {
    throw new QueryFailedError(statement.text, values, error as Error);
  }
}
