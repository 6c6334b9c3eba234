import { type DataSource, QueryFailedError } from 'typeorm';
import { DatabaseTimeoutError, queryWithin } from './bounded-query.js';

/** A statement of the ingestion hot path: parsed and planned once per connection, not per batch. */
export interface PreparedStatement {
  /** Unique per text: PostgreSQL keeps the statement under this name on each connection. */
  name: string;
  text: string;
}

/**
 * One step of a statement built from common table expressions: `name AS (sql)`. A step may read
 * the steps before it by name; data-modifying steps (`INSERT … RETURNING`) run exactly once, to
 * completion, and all of them commit or roll back together with the statement.
 */
export interface StatementStep {
  name: string;
  sql: string;
  /** Computed once and kept, for steps read more than once or holding volatile functions. */
  materialized?: boolean;
}

/** `WITH step, step, … final`: several statements' work in one round trip and one transaction. */
export function composeSteps(steps: StatementStep[], final: string): string {
  const ctes = steps.map(
    (step) => `${step.name} AS ${step.materialized ? 'MATERIALIZED ' : ''}(\n${step.sql.trim()}\n)`,
  );
  return `WITH ${ctes.join(',\n')}\n${final.trim()}`;
}

/**
 * Runs a named prepared statement on a connection of the DataSource's pool, as one transaction
 * of its own, giving up after `timeoutMs` (see `queryWithin`). TypeORM's `query` sends unnamed
 * statements, which PostgreSQL parses and plans on every call; the ingestion statement is the
 * same text thousands of times a second. Errors from the database come back as TypeORM's
 * `QueryFailedError`, like those of `query`; a timeout as `DatabaseTimeoutError`.
 */
export async function queryPrepared<T>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: unknown[],
  timeoutMs: number,
): Promise<T[]> {
  try {
    return await queryWithin<T>(dataSource, { ...statement, values }, timeoutMs);
  } catch (error) {
    if (error instanceof DatabaseTimeoutError) throw error;
    throw new QueryFailedError(statement.text, values, error as Error);
  }
}
