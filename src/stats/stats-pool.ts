import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { statsConfig } from '../config/stats.config.js';
import { withPoolTransaction } from '../database/pool-transaction.js';

/**
 * The stats' own database connections, apart from the pool that ingestion and the rest use:
 * at most STATS_MAX_CONCURRENT_QUERIES of them, so that dashboards never take the connections
 * ingestion needs, each opened read-only (`default_transaction_read_only`) and bounded by
 * STATS_QUERY_TIMEOUT_MS per statement instead of ingestion's timeouts. A read is then one
 * round trip: no transaction to open, no setting to change, no commit. Parallel workers cost
 * more to start here (`parallel_setup_cost` 50 times PostgreSQL's default): a scan of raw rows
 * still gets them, a read of rollup rows (milliseconds, many at once for one dashboard) does not.
 */
@Injectable()
export class StatsPool implements OnApplicationShutdown {
  private pool?: pg.Pool;
  private readonly logger = new Logger(StatsPool.name);
  private readonly timeoutMs: number;
  private readonly size: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(statsConfig.KEY) config: ConfigType<typeof statsConfig>,
  ) {
    this.timeoutMs = Math.floor(config.queryTimeoutMs);
    this.size = config.maxConcurrentQueries;
  }

  /**
   * One read-only statement, bounded by STATS_QUERY_TIMEOUT_MS. With `name`, a statement of
   * fixed text that every request runs: each connection parses and plans it once (a prepared
   * statement) instead of on every call.
   */
  async query<T>(sql: string, params: unknown[], name?: string): Promise<T[]> {
    const config = name ? { name, text: sql, values: params } : { text: sql, values: params };
    return (await this.connections().query(config)).rows as T[];
  }

  /**
   * A read-only transaction on one connection (an export's cursor lives in one). Each statement
   * is bounded as a query is; a client that stops reading is cut by
   * `idle_in_transaction_session_timeout`.
   */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withPoolTransaction(this.connections(), { begin: 'BEGIN READ ONLY' }, work);
  }

  async onApplicationShutdown(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  /** The pool, opened on first use with the address and settings of the main one. */
  private connections(): pg.Pool {
    if (this.pool) return this.pool;
    const options = this.dataSource.options as PostgresDataSourceOptions;
    const pool = new pg.Pool({
      connectionString: options.url,
      max: this.size,
      connectionTimeoutMillis: options.connectTimeoutMS,
      idleTimeoutMillis: 30_000,
      application_name: 'trackveil-stats',
      statement_timeout: this.timeoutMs,
      idle_in_transaction_session_timeout: Math.max(this.timeoutMs, 60_000),
      options: '-c default_transaction_read_only=on -c parallel_setup_cost=50000',
    });
    // An idle connection the server ends (a restart) is dropped; the next query opens another.
    pool.on('error', (error) =>
      this.logger.warn({ err: error }, 'An idle stats connection ended; it will be reopened.'),
    );
    this.pool = pool;
    return pool;
  }
}
