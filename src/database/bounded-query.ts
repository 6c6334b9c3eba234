import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * PostgreSQL did not answer in time: the network is silent, the server is stuck, or every pool
 * connection is busy. Its `code` is `ETIMEDOUT`, which `isDatabaseUnavailable` already counts as
 * the database being unavailable (503).
 */
export class DatabaseTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(what: 'acquire' | 'query', timeoutMs: number) {
    super(
      what === 'acquire'
        ? `No database connection became free within ${timeoutMs} ms.`
        : `The database did not answer within ${timeoutMs} ms.`,
    );
    this.name = 'DatabaseTimeoutError';
  }
}

/** The pg pool behind a TypeORM DataSource. */
export function poolOf(dataSource: DataSource): pg.Pool {
  const pool = (dataSource.driver as PostgresDriver).master as pg.Pool | undefined;
  if (!pool) throw new Error('The database connection is closed.');
  return pool;
}

/**
 * Runs one query on a connection of the pool and gives up after `timeoutMs`, waiting for a free
 * connection included. Server-side timeouts cannot end a wait on a silent network, so the bound
 * is kept here. A connection whose query timed out (or broke) is closed, not handed back to the
 * pool: it still waits for an answer, and every later query on it would wait behind that one.
 */
export async function queryWithin<T>(
  dataSource: DataSource,
  query: pg.QueryConfig,
  timeoutMs: number,
): Promise<T[]> {
  const deadline = performance.now() + timeoutMs;
  const client = await acquire(poolOf(dataSource), timeoutMs);
  // pg-pool listens for the errors of idle connections only: a connection that breaks while it
  // is checked out (PostgreSQL killed, the network cut) emits 'error' on the client, which would
  // end the process unheard. The query itself fails with that error, so it is only noted here.
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  const release = (error?: Error): void => {
    client.removeListener('error', onError);
    client.release(error ?? broken);
  };
  const remaining = Math.floor(deadline - performance.now());
  if (remaining < 1) {
    release();
    throw new DatabaseTimeoutError('acquire', timeoutMs);
  }
  let result: pg.QueryResult;
  try {
    result = await client.query({ ...query, query_timeout: remaining } as pg.QueryConfig);
  } catch (error) {
    // An error the server sent (a constraint, a deadlock) leaves the connection usable.
    const healthy = error instanceof pg.DatabaseError && error.severity !== 'FATAL';
    release(healthy ? undefined : (error as Error));
    if ((error as Error).message === 'Query read timeout') {
      throw new DatabaseTimeoutError('query', timeoutMs);
    }
    throw error;
  }
  release();
  return result.rows as T[];
}

/**
 * A connection of the pool within `timeoutMs`. pg-pool bounds the wait by its own
 * `connectionTimeoutMillis` (`DATABASE_CONNECT_TIMEOUT_MS`), which may be longer; a connection that
 * arrives after we gave up goes straight back to the pool.
 */
function acquire(pool: pg.Pool, timeoutMs: number): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new DatabaseTimeoutError('acquire', timeoutMs));
    }, timeoutMs);
    pool.connect().then(
      (client) => {
        clearTimeout(timer);
        if (timedOut) client.release();
        else resolve(client);
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
