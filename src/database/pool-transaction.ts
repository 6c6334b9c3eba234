import type pg from 'pg';

export interface PoolTransactionOptions {
  /** The statement that opens it: `BEGIN READ ONLY`, `BEGIN ISOLATION LEVEL …`. */
  begin: string;
  /** Settings for this transaction only (`set_config(…, true)`), run right after `begin`. */
  settings?: { sql: string; params: unknown[] };
  /** Runs on the connection before `begin` (a session-level lock to take first). */
  before?: (client: pg.PoolClient) => Promise<void>;
  /** Runs on the connection after the transaction ended, when the connection is still sound. */
  after?: (client: pg.PoolClient) => Promise<void>;
}

/**
 * Runs `work` in one transaction on a connection of `pool` that it holds alone, outside
 * TypeORM, for the long reads and recomputations of the stats. A connection the server ends
 * while it is checked out (a timeout, a restart) emits 'error' on the client, which would end
 * the process unheard: it is listened to here, and the query in flight fails anyway. A
 * connection whose transaction failed midway is closed rather than handed back to the pool.
 */
export async function withPoolTransaction<T>(
  pool: pg.Pool,
  options: PoolTransactionOptions,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  let failed: Error | undefined;
  try {
    await options.before?.(client);
    await client.query(options.begin);
    if (options.settings) await client.query(options.settings.sql, options.settings.params);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failed = error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    if (!broken) await options.after?.(client).catch(() => undefined);
    client.removeListener('error', onError);
    client.release(broken ?? failed);
  }
}

/** Lifts PostgreSQL 17+'s `transaction_timeout` (ingestion's bound) for this transaction. */
export const LIFT_TRANSACTION_TIMEOUT = `CASE WHEN current_setting('transaction_timeout', true) IS NOT NULL
  THEN set_config('transaction_timeout', '0', true) END`;
