import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { statsConfig } from '../../config/stats.config.js';
import { poolOf } from '../../database/bounded-query.js';
import { LIFT_TRANSACTION_TIMEOUT, withPoolTransaction } from '../../database/pool-transaction.js';
import { localDateTime } from '../period.js';
import { HyperLogLog } from '../sketches/hyperloglog.js';
import {
  dayTotalsSql,
  dayValuesSql,
  DELETE_DAY,
  hourTotalsSql,
  ROLLUP_DIMENSIONS,
  SITE_LOCK,
  SITE_UNLOCK,
} from './rollup-sql.js';

const EMPTY_SKETCH = HyperLogLog.empty().serialize();
/** The longest one day's recomputation may run (a busy day of a big site takes seconds). */
const RECOMPUTE_TIMEOUT_MS = 10 * 60_000;
/** Memory per sort and hash of a recomputation, so a busy day's aggregates stay off disk. */
const RECOMPUTE_WORK_MEM = '64MB';

export interface RollupSite {
  id: string;
  timezone: string;
}

export interface RefreshResult {
  /** Local dates recomputed, newest first. */
  days: string[];
  /** Days still missing after this run (the next run goes on). */
  missingLeft: number;
}

export interface RebuildProgress {
  siteId: string;
  day: string;
  done: number;
  total: number;
}

export interface CheckResult {
  siteId: string;
  /** Days compared (those settled: no traffic can reach them any more). */
  checked: number;
  /** Days whose rollups differ from the raw rows. */
  mismatched: string[];
  /** Days of the raw data that have no rollup yet. */
  missing: string[];
}

/**
 * Keeps the stats rollups (`stats_days`, `stats_hours`, `stats_day_values`) in step with the raw
 * tables. A day is always recomputed whole, from the raw rows, in one transaction: the rollups
 * are a cache of the raw tables that can be thrown away and rebuilt at any time, and ingestion
 * never writes them. `RollupJob` calls `refresh` every `STATS_ROLLUP_INTERVAL_SECONDS`; the CLI's
 * `stats rebuild` and `stats check` call `rebuild` and `check`.
 */
@Injectable()
export class RollupsService {
  /** How far back a refresh looks for rows before the last one (transactions in flight). */
  private readonly overlapMs: number;
  /** After the end of a day, how long its visits can still change (a visit in progress). */
  private readonly settleMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(statsConfig.KEY) config: ConfigType<typeof statsConfig>,
  ) {
    this.overlapMs = 2 * config.ingestTimeoutMs + 10_000;
    this.settleMs = config.sessionTimeoutMs + this.overlapMs;
  }

  /** The sites whose rollups are kept: every one not deleted. */
  async sites(siteId?: string): Promise<RollupSite[]> {
    return this.query<RollupSite>(
      `SELECT id, timezone FROM sites WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id = $1)
        ORDER BY id`,
      [siteId ?? null],
    );
  }

  /**
   * Recomputes one local day of a site from the raw rows, replacing its rollups. With
   * `unlessComputedAfter`, a day recomputed after that time meanwhile (by the job, while a
   * rebuild waited for the site's lock) is left as it is. Answers whether it recomputed.
   */
  async recomputeDay(site: RollupSite, day: string, unlessComputedAfter?: Date): Promise<boolean> {
    // The site's lock is taken before the transaction, so that its snapshot sees a timezone
    // change that committed while it waited (see `SitesService.update`). `started` is taken
    // before the snapshot: every row stamped before it and committed by then is in; rows still
    // in flight are caught by the next refresh's overlap.
    const started = this.clock.now();
    return this.inTransaction(site.id, async (client) => {
      const { rows } = await client.query<{ timezone: string; fresh: boolean }>(
        `SELECT timezone, EXISTS (SELECT 1 FROM stats_days d WHERE d.site_id = s.id
                                    AND d.day = $2::date AND d.computed_at > $3) AS fresh
           FROM sites s WHERE id = $1 AND deleted_at IS NULL`,
        [site.id, day, unlessComputedAfter ?? 'infinity'],
      );
      if (!rows[0] || rows[0].fresh) return false;
      await client.query(DELETE_DAY[0], [site.id, day, ROLLUP_DIMENSIONS]);
      for (const sql of DELETE_DAY.slice(1)) await client.query(sql, [site.id, day]);
      await writeDay(client, { ...site, timezone: rows[0].timezone }, day, started);
      return true;
    });
  }

  /**
   * Brings a site's rollups up to date: the days that rows written since its last refresh
   * touched (their own day, and the day their visit started in), then up to `maxMissing` days
   * of its data that have no rollup yet, newest first.
   */
  async refresh(site: RollupSite, maxMissing = 31): Promise<RefreshResult> {
    const dirty = await this.dirtyDays(site);
    const missing = await this.missingDays(site);
    const todo = [...new Set([...dirty, ...missing.slice(0, maxMissing)])].sort().reverse();
    for (const day of todo) await this.recomputeDay(site, day);
    return { days: todo, missingLeft: Math.max(0, missing.length - maxMissing) };
  }

  /**
   * Recomputes every day of a site's raw data, newest first. Resumable: an interrupted rebuild
   * (`sites.stats_rebuild_started_at` still set) skips the days it already did. Ingestion goes
   * on meanwhile; the rollup job keeps the days it touches up to date.
   */
  async rebuild(site: RollupSite, onDay?: (progress: RebuildProgress) => void): Promise<number> {
    const [{ started }] = await this.query<{ started: Date }>(
      `UPDATE sites SET stats_rebuild_started_at = coalesce(stats_rebuild_started_at, $2)
        WHERE id = $1 RETURNING stats_rebuild_started_at AS started`,
      [site.id, this.clock.now()],
    );
    const days = await this.dataDays(site);
    let count = 0;
    for (const [index, day] of days.entries()) {
      // Days recomputed since the rebuild started (before an interruption, or by the job) stay.
      if (await this.recomputeDay(site, day, started)) count++;
      onDay?.({ siteId: site.id, day, done: index + 1, total: days.length });
    }
    await this.query('UPDATE sites SET stats_rebuild_started_at = NULL WHERE id = $1', [site.id]);
    return count;
  }

  /**
   * Compares a site's settled rollup days with what the raw rows give now, by recomputing each
   * into temporary tables: every column, the visitor sketches included, must be equal.
   */
  async check(site: RollupSite): Promise<CheckResult> {
    const settledBefore = new Date(this.clock.now().getTime() - this.settleMs);
    const rows = await this.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM stats_days
        WHERE site_id = $1 AND computed_at >= ((day + 1)::timestamp AT TIME ZONE $2) + $3::interval
          AND ((day + 1)::timestamp AT TIME ZONE $2) < $4
        ORDER BY day DESC`,
      [site.id, site.timezone, `${this.settleMs} milliseconds`, settledBefore],
    );
    const missing = await this.missingDays(site);
    const mismatched: string[] = [];
    for (const { day } of rows) {
      if (await this.differs(site, day)) mismatched.push(day);
    }
    return { siteId: site.id, checked: rows.length, mismatched, missing };
  }

  private async differs(site: RollupSite, day: string): Promise<boolean> {
    return this.inTransaction(site.id, async (client) => {
      for (const table of ['stats_days', 'stats_hours', 'stats_day_values']) {
        await client.query(
          `CREATE TEMP TABLE check_${table} (LIKE ${table} INCLUDING IDENTITY) ON COMMIT DROP`,
        );
      }
      await writeDay(client, site, day, this.clock.now(), 'check_');
      const compare = async (table: string, columns: string, where: string): Promise<number> => {
        const [row] = (
          await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM (
               (SELECT ${columns} FROM check_${table} EXCEPT ALL
                SELECT ${columns} FROM ${table} WHERE ${where})
               UNION ALL
               (SELECT ${columns} FROM ${table} WHERE ${where} EXCEPT ALL
                SELECT ${columns} FROM check_${table})) d`,
            [site.id, day],
          )
        ).rows;
        return row.n;
      };
      const metrics =
        'visitors, visitors_sketch, pageviews, visits, bounces, visit_pageviews, duration';
      const differences =
        (await compare(
          'stats_days',
          `day, ${metrics}, events`,
          'site_id = $1 AND day = $2::date',
        )) +
        (await compare(
          'stats_hours',
          `hour, ${metrics}`,
          'site_id = $1 AND hour >= $2::date::timestamp AND hour < ($2::date + 1)::timestamp',
        )) +
        (await compare(
          'stats_day_values',
          `day, dimension, value, parent, ${metrics}, events`,
          'site_id = $1 AND day = $2::date',
        ));
      return differences > 0;
    });
  }

  /**
   * Local dates that rows written since the site's last refresh (less an overlap for
   * transactions still in flight then) touched: the day of each page view and custom event, and
   * the day its visit started in (whose counts it changed).
   */
  private async dirtyDays(site: RollupSite): Promise<string[]> {
    const [last] = await this.query<{ computed_at: Date | null }>(
      `SELECT computed_at FROM stats_days WHERE site_id = $1 ORDER BY day DESC LIMIT 1`,
      [site.id],
    );
    if (!last?.computed_at) return [];
    const since = new Date(last.computed_at.getTime() - this.overlapMs);
    const rows = await this.query<{ day: string }>(
      `SELECT DISTINCT to_char(d.day, 'YYYY-MM-DD') AS day FROM (
         SELECT p.created_at AS at, s.started_at FROM page_views p
           JOIN sessions s ON s.id = p.session_id
          WHERE p.site_id = $1 AND p.created_at >= $2
         UNION ALL
         SELECT e.created_at, s.started_at FROM events e
           JOIN sessions s ON s.id = e.session_id
          WHERE e.site_id = $1 AND e.created_at >= $2
       ) w CROSS JOIN LATERAL (VALUES ((w.at AT TIME ZONE $3)::date),
                                      ((w.started_at AT TIME ZONE $3)::date)) AS d(day)`,
      [site.id, since, site.timezone],
    );
    return rows.map((row) => row.day);
  }

  /** Days from the site's first raw row to today that have no rollup, newest first. */
  private async missingDays(site: RollupSite): Promise<string[]> {
    const days = await this.dataDays(site);
    if (days.length === 0) return [];
    const rows = await this.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM stats_days
        WHERE site_id = $1 AND day >= $2::date`,
      [site.id, days[days.length - 1]],
    );
    const computed = new Set(rows.map((row) => row.day));
    return days.filter((day) => !computed.has(day));
  }

  /** Every local date from the site's first raw page view or event to today, newest first. */
  private async dataDays(site: RollupSite): Promise<string[]> {
    const [row] = await this.query<{ first: Date | null }>(
      `SELECT least((SELECT min(created_at) FROM page_views WHERE site_id = $1),
                    (SELECT min(created_at) FROM events WHERE site_id = $1)) AS first`,
      [site.id],
    );
    if (!row?.first) return [];
    const first = localDateTime(row.first, site.timezone).date;
    const today = localDateTime(this.clock.now(), site.timezone).date;
    const days: string[] = [];
    for (let day = today; day >= first; day = previousDay(day)) days.push(day);
    return days;
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return (await poolOf(this.dataSource).query(sql, params)).rows as T[];
  }

  /**
   * One REPEATABLE READ transaction (every statement of a day's recomputation sees the same
   * rows) with a statement timeout fit for it, instead of ingestion's, under the site's rollup
   * lock (a session lock, taken before the transaction's snapshot).
   */
  private inTransaction<T>(
    siteId: string,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    let locked = false;
    return withPoolTransaction(
      poolOf(this.dataSource),
      {
        begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ',
        settings: {
          sql: `SELECT set_config('work_mem', $1, true), ${LIFT_TRANSACTION_TIMEOUT}`,
          params: [RECOMPUTE_WORK_MEM],
        },
        before: async (client) => {
          // Session-level, so the lock wait is bounded too; reset once done.
          // (transaction_timeout bounds the implicit transaction of the lock wait too.)
          await client.query(
            `SELECT set_config('statement_timeout', $1, false),
                    CASE WHEN current_setting('transaction_timeout', true) IS NOT NULL
                         THEN set_config('transaction_timeout', '0', false) END`,
            [String(RECOMPUTE_TIMEOUT_MS)],
          );
          await client.query(SITE_LOCK, [siteId]);
          locked = true;
        },
        after: async (client) => {
          if (locked) await client.query(SITE_UNLOCK, [siteId]);
          await client.query(
            `SELECT set_config('statement_timeout', reset_val, false) FROM pg_settings
              WHERE name IN ('statement_timeout', 'transaction_timeout')`,
          );
        },
      },
      work,
    );
  }
}

/**
 * Writes a day's rollups, from the raw rows, into the rollup tables (or the tables named with
 * `prefix`, for `check`); the day's rows there must be gone already.
 */
async function writeDay(
  client: pg.PoolClient,
  site: RollupSite,
  day: string,
  computedAt: Date,
  prefix = '',
): Promise<void> {
  const params = [site.id, day, site.timezone, EMPTY_SKETCH];
  await client.query(dayTotalsSql(`${prefix}stats_days`), [...params, computedAt]);
  await client.query(hourTotalsSql(`${prefix}stats_hours`), params);
  await client.query(dayValuesSql(`${prefix}stats_day_values`), params);
}

/** The date before `YYYY-MM-DD`. */
export function previousDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
