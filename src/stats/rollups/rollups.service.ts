import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { statsConfig } from '../../config/stats.config.js';
import { poolOf } from '../../database/bounded-query.js';
import { retentionCutoffSql } from '../../sites/retention-job.js';
import { LIFT_TRANSACTION_TIMEOUT, withPoolTransaction } from '../../database/pool-transaction.js';
import { ColumnsEncoder } from '../columns/columns-encoder.js';
import { FORMAT_VERSION } from '../columns/day-columns.js';
import { localDateTime, shiftDate } from '../period.js';
import { HyperLogLog } from '../sketches/hyperloglog.js';
import {
  mergedSketchOf,
  ROLLUP_COLUMNS,
  ROLLUP_SUMS,
  type RollupSums,
  visitorsOf,
} from './rollup-queries.js';
import {
  DELETE_SPAN_VALUES_SQL,
  DELETE_SPANS_OF_DAY_SQL,
  closedRunOf,
  DELETE_STALE_RUNS_SQL,
  HAS_STALE_RUNS_SQL,
  insertSpanSql,
  insertSpanValuesSql,
  type Span,
  spanEnd,
  spanKey,
  spanOf,
  SPANS_TO_BUILD_SQL,
} from './rollup-spans.js';
import {
  dayTotalsSql,
  dayValuesSql,
  DELETE_DAY,
  DELETE_DAY_COLUMNS,
  hourTotalsSql,
  ROLLUP_DIMENSIONS,
  SITE_LOCK,
  SITE_UNLOCK,
} from './rollup-sql.js';

const EMPTY_SKETCH = HyperLogLog.empty().serialize();
/**
 * Rolled-up days of a site (`$1`) without day columns of the current format (`$3`), newest
 * first, but those that start before its retention cutoff at `$2` (the retention job deletes
 * their columns with their raw rows).
 */
const COLUMNS_MISSING_SQL = `SELECT to_char(d.day, 'YYYY-MM-DD') AS day
   FROM stats_days d JOIN sites s ON s.id = d.site_id
  WHERE d.site_id = $1
    AND NOT EXISTS (SELECT 1 FROM stats_day_columns c
                     WHERE c.site_id = d.site_id AND c.day = d.day AND c.format = $3)
    AND (s.retention_months IS NULL OR (d.day::timestamp AT TIME ZONE s.timezone) >=
         ${retentionCutoffSql('$2', 's.retention_months')})
  ORDER BY d.day DESC`;
/** The longest one day's recomputation may run (a busy day of a big site takes seconds). */
const RECOMPUTE_TIMEOUT_MS = 10 * 60_000;
/** Spans a refresh of a site builds at most (the rest wait for the next). */
const SPANS_PER_REFRESH = 8;
/** Breakdown rows of a span per INSERT. */
const SPAN_VALUES_PER_INSERT = 2000;
/** Memory per sort and hash of a recomputation, so a busy day's aggregates stay off disk. */
const RECOMPUTE_WORK_MEM = '64MB';

export interface RollupSite {
  id: string;
  timezone: string;
}

export interface RefreshResult {
  /** Local dates recomputed, newest first. */
  days: string[];
  /** Spans (weeks, months) built. */
  spans: number;
  /** Whether more spans may be waiting (this run built as many as it may). */
  spansLeft: boolean;
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
  /** Spans (weeks, months) compared with the merge of their days. */
  spans: number;
  /**
   * Days whose rollups differ from the raw rows, and spans (`week:2026-11-23`) that differ from
   * the merge of their days.
   */
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
export class RollupsService implements OnApplicationShutdown {
  /** Reads and encodes the day columns off the main thread (see `ColumnsEncoder`). */
  private readonly encoder = new ColumnsEncoder();
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

  async onApplicationShutdown(): Promise<void> {
    await this.encoder.close();
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
      // A span is the merge of its days as they are: the ones holding this day go with it.
      const deleted = await deleteSpans(client, site, DELETE_SPANS_OF_DAY_SQL, [
        day,
        spanOf('week', day).start,
        spanOf('month', day).start,
      ]);
      const current = { ...site, timezone: rows[0].timezone };
      await this.writeDay(client, current, day, started);
      // The live runs that end on it (today) are merged again at once from their closed runs:
      // the periods that read them never fall back to reading their days meanwhile.
      for (const span of deleted) {
        const closed = await liveRunSource(client, current, span, day);
        if (closed) await writeSpan(client, current, span, '', closed);
      }
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
    // Days rolled up before the day columns existed (an upgrade) get theirs, newest first.
    const columnsMissing = await this.query<{ day: string }>(COLUMNS_MISSING_SQL, [
      site.id,
      this.clock.now(),
      FORMAT_VERSION,
    ]);
    for (const { day } of columnsMissing.slice(0, maxMissing)) {
      await this.writeMissingColumns(site, day);
    }
    const spans = await this.buildSpans(site, SPANS_PER_REFRESH);
    return {
      days: todo,
      spans,
      spansLeft: spans === SPANS_PER_REFRESH,
      missingLeft:
        Math.max(0, missing.length - maxMissing) + Math.max(0, columnsMissing.length - maxMissing),
    };
  }

  /**
   * Writes the day columns of a rolled-up day that has none of the current format, unless it
   * has them meanwhile.
   */
  private async writeMissingColumns(site: RollupSite, day: string): Promise<void> {
    const started = this.clock.now();
    await this.inTransaction(site.id, async (client) => {
      const { rows } = await client.query<{ timezone: string }>(
        `SELECT timezone FROM sites s WHERE id = $1 AND deleted_at IS NULL
            AND EXISTS (SELECT 1 FROM stats_days d WHERE d.site_id = s.id AND d.day = $2::date)
            AND NOT EXISTS (SELECT 1 FROM stats_day_columns c
                             WHERE c.site_id = s.id AND c.day = $2::date AND c.format = $3)`,
        [site.id, day, FORMAT_VERSION],
      );
      if (!rows[0]) return;
      await client.query(DELETE_DAY_COLUMNS, [site.id, day]);
      await this.writeColumns(client, { ...site, timezone: rows[0].timezone }, day, started);
    });
  }

  /**
   * Builds the spans of a site that are missing and can be built (see `SPANS_TO_BUILD_SQL`):
   * weeks, months and runs whose days are all rolled up and settled, and live runs whose closed
   * run is built; first deletes the runs whose periods have moved on. Answers how many it built,
   * at most `max`.
   */
  async buildSpans(site: RollupSite, max = 2 ** 31 - 1): Promise<number> {
    const now = this.clock.now();
    const today = localDateTime(now, site.timezone).date;
    // The last local date whose end is at least `settleMs` ago: its visits cannot change.
    const settled = shiftDate(
      localDateTime(new Date(now.getTime() - this.settleMs), site.timezone).date,
      -1,
    );
    // Yesterday's runs go once today's can be built (or the site's timezone changed).
    const [{ stale }] = await this.query<{ stale: boolean }>(HAS_STALE_RUNS_SQL, [
      site.id,
      today,
      settled,
    ]);
    if (stale) {
      await this.inTransaction(site.id, (client) =>
        deleteSpans(client, site, DELETE_STALE_RUNS_SQL, [today, settled]),
      );
    }
    const spans = await this.query<Span>(SPANS_TO_BUILD_SQL, [
      site.id,
      settled,
      site.timezone,
      max,
      today,
    ]);
    let built = 0;
    for (const span of spans) if (await this.buildSpan(site, span)) built++;
    return built;
  }

  /**
   * Merges the day rollups of a span into its own, in one transaction under the site's rollup
   * lock (no day of it is recomputed meanwhile). Answers false when it was built meanwhile or
   * the site's timezone changed (its days are gone).
   */
  private async buildSpan(site: RollupSite, span: Span): Promise<boolean> {
    const key = [site.id, span.kind, span.start];
    return this.inTransaction(site.id, async (client) => {
      const { rows } = await client.query<{ built: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM stats_spans WHERE site_id = $1 AND kind = $2 AND start = $3::date) AS built
           FROM sites WHERE id = $1 AND timezone = $4 AND deleted_at IS NULL`,
        [...key, site.timezone],
      );
      if (!rows[0] || rows[0].built) return false;
      const today = localDateTime(this.clock.now(), site.timezone).date;
      await writeSpan(client, site, span, '', await liveRunSource(client, site, span, today));
      return true;
    });
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
    await this.buildSpans(site);
    await this.query('UPDATE sites SET stats_rebuild_started_at = NULL WHERE id = $1', [site.id]);
    return count;
  }

  /**
   * Compares a site's settled rollup days with what the raw rows give now, by recomputing each
   * into temporary tables, and its spans with the merge of their days: every column, the visitor
   * sketches included, must be equal.
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
    const spans = await this.query<Span>(
      `SELECT kind, to_char(start, 'YYYY-MM-DD') AS start FROM stats_spans
        WHERE site_id = $1 ORDER BY start DESC, kind`,
      [site.id],
    );
    for (const span of spans) {
      if (await this.spanDiffers(site, span)) mismatched.push(spanKey(span));
    }
    return { siteId: site.id, checked: rows.length, spans: spans.length, mismatched, missing };
  }

  private async differs(site: RollupSite, day: string): Promise<boolean> {
    return this.inTransaction(site.id, async (client) => {
      await checkTables(client, [
        'stats_days',
        'stats_hours',
        'stats_day_values',
        'stats_day_columns',
      ]);
      await this.writeDay(client, site, day, this.clock.now(), 'check_');
      const params = [site.id, day];
      const differences =
        (await countDifferences(
          client,
          'stats_days',
          `day, ${METRICS_COLUMNS}, events`,
          'site_id = $1 AND day = $2::date',
          params,
        )) +
        (await countDifferences(
          client,
          'stats_hours',
          `hour, ${METRICS_COLUMNS}`,
          'site_id = $1 AND hour >= $2::date::timestamp AND hour < ($2::date + 1)::timestamp',
          params,
        )) +
        (await countDifferences(
          client,
          'stats_day_values',
          `day, dimension, value, parent, ${METRICS_COLUMNS}, events`,
          'site_id = $1 AND day = $2::date',
          params,
        )) +
        (await countDifferences(
          client,
          'stats_day_columns',
          'day, data',
          'site_id = $1 AND day = $2::date',
          params,
        ));
      return differences > 0;
    });
  }

  /** Whether a span's rollups differ from the merge of its days' rollups as they are now. */
  private async spanDiffers(site: RollupSite, span: Span): Promise<boolean> {
    return this.inTransaction(site.id, async (client) => {
      await checkTables(client, ['stats_spans', 'stats_span_values']);
      await writeSpan(client, site, span, 'check_');
      const where = 'site_id = $1 AND kind = $2 AND start = $3::date';
      const params = [site.id, span.kind, span.start];
      const differences =
        (await countDifferences(
          client,
          'stats_spans',
          `kind, start, ${METRICS_COLUMNS}, events`,
          where,
          params,
        )) +
        (await countDifferences(
          client,
          'stats_span_values',
          `kind, start, dimension, value, parent, ${METRICS_COLUMNS}, events`,
          where,
          params,
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
    for (let day = today; day >= first; day = shiftDate(day, -1)) days.push(day);
    return days;
  }

  /**
   * Writes a day's rollups, from the raw rows, into the rollup tables (or the tables named with
   * `prefix`, for `check`); the day's rows there must be gone already.
   */
  private async writeDay(
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
    await this.writeColumns(client, site, day, computedAt, prefix);
  }

  /**
   * Writes a day's columns (see `day-columns.ts`), read and encoded on the encoder's worker
   * thread; the day's row there must be gone already.
   */
  private async writeColumns(
    client: pg.PoolClient,
    site: RollupSite,
    day: string,
    computedAt: Date,
    prefix = '',
  ): Promise<void> {
    const data = await this.encoder.encode(
      client,
      { siteId: site.id, day, timezone: site.timezone },
      this.workerConnection(),
    );
    await client.query(
      `INSERT INTO ${prefix}stats_day_columns (site_id, day, computed_at, format, data)
       VALUES ($1, $2, $3, $4, $5)`,
      [site.id, day, computedAt, FORMAT_VERSION, data],
    );
  }

  /**
   * How the encoder's worker connects: the pool's connection settings (those a message can
   * carry), with a statement timeout fit for a day's recomputation.
   */
  private workerConnection(): pg.ClientConfig {
    const options = poolOf(this.dataSource).options as pg.ClientConfig;
    const { connectionString, host, port, user, password, database, ssl } = options;
    return {
      connectionString,
      host,
      port,
      user,
      password: typeof password === 'string' ? password : undefined,
      database,
      ssl,
      application_name: 'trackveil day columns',
      statement_timeout: RECOMPUTE_TIMEOUT_MS,
      // A silent network is given up on by the client too.
      query_timeout: RECOMPUTE_TIMEOUT_MS,
      connectionTimeoutMillis: options.connectionTimeoutMillis,
    };
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

const METRICS_COLUMNS =
  'visitors, visitors_sketch, pageviews, visits, bounces, visit_pageviews, duration';

/** Empty temporary copies of rollup tables, `check_<table>`, dropped at commit. */
async function checkTables(client: pg.PoolClient, tables: string[]): Promise<void> {
  for (const table of tables) {
    await client.query(
      `CREATE TEMP TABLE check_${table} (LIKE ${table} INCLUDING IDENTITY) ON COMMIT DROP`,
    );
  }
}

/** Rows of `table` (those `where` selects) and of `check_<table>` that the other lacks. */
async function countDifferences(
  client: pg.PoolClient,
  table: string,
  columns: string,
  where: string,
  params: unknown[],
): Promise<number> {
  const [row] = (
    await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         (SELECT ${columns} FROM check_${table} EXCEPT ALL
          SELECT ${columns} FROM ${table} WHERE ${where})
         UNION ALL
         (SELECT ${columns} FROM ${table} WHERE ${where} EXCEPT ALL
          SELECT ${columns} FROM check_${table})) d`,
      params,
    )
  ).rows;
  return row.n;
}

/**
 * Runs `sql`, which deletes spans of the site (`$1`, then `params`) from `stats_spans` and
 * answers their kind and start, and deletes their breakdown rows.
 */
async function deleteSpans(
  client: pg.PoolClient,
  site: RollupSite,
  sql: string,
  params: unknown[],
): Promise<Span[]> {
  const { rows } = await client.query<Span>(sql, [site.id, ...params]);
  for (const span of rows) {
    await client.query(DELETE_SPAN_VALUES_SQL, [site.id, ROLLUP_DIMENSIONS, span.kind, span.start]);
  }
  return rows;
}

/**
 * The closed run a live run is merged from (see `LIVE_RUNS_SQL`), when `span` is one (a run that
 * ends on `today`) and that run is built; else undefined: the span is merged from its days.
 */
async function liveRunSource(
  client: pg.PoolClient,
  site: RollupSite,
  span: Span,
  today: string,
): Promise<Span | undefined> {
  const closed = closedRunOf(span);
  if (!closed || spanEnd(span) !== today) return undefined;
  const { rows } = await client.query(
    `SELECT 1 FROM stats_spans WHERE site_id = $1 AND kind = $2 AND start = $3::date`,
    [site.id, closed.kind, closed.start],
  );
  return rows.length > 0 ? closed : undefined;
}

/**
 * Writes a span's rollups into the span tables (or those named with `prefix`, for `check`), its
 * rows there gone already: merged from its days' rollups, or with `closed` (a live run, see
 * `LIVE_RUNS_SQL`), from that run's rollups and its last day's, which give the same.
 */
async function writeSpan(
  client: pg.PoolClient,
  site: RollupSite,
  span: Span,
  prefix = '',
  closed?: Span,
): Promise<void> {
  const days = [site.id, span.start, spanEnd(span)];
  const key = [site.id, span.kind, span.start];
  // `$1` the site, `$2` and `$3` the span's first and last days, `$4` the closed run's kind.
  const source = closed
    ? {
        totals: `SELECT ${ROLLUP_COLUMNS} FROM stats_spans
                  WHERE site_id = $1 AND kind = $4 AND start = $2::date
                 UNION ALL
                 SELECT ${ROLLUP_COLUMNS} FROM stats_days WHERE site_id = $1 AND day = $3::date`,
        values: `SELECT value, parent, ${ROLLUP_COLUMNS} FROM stats_span_values
                  WHERE site_id = $1 AND dimension = $5 AND kind = $4 AND start = $2::date
                 UNION ALL
                 SELECT value, parent, ${ROLLUP_COLUMNS} FROM stats_day_values
                  WHERE site_id = $1 AND dimension = $5 AND day = $3::date`,
        params: [...days, closed.kind],
      }
    : {
        totals: `SELECT ${ROLLUP_COLUMNS} FROM stats_days
                  WHERE site_id = $1 AND day >= $2::date AND day <= $3::date`,
        values: `SELECT value, parent, ${ROLLUP_COLUMNS} FROM stats_day_values
                  WHERE site_id = $1 AND dimension = $4 AND day >= $2::date AND day <= $3::date`,
        params: days,
      };
  const {
    rows: [totals],
  } = await client.query<RollupSums>(
    `SELECT ${ROLLUP_SUMS} FROM (${source.totals}) r`,
    source.params,
  );
  await client.query(insertSpanSql(`${prefix}stats_spans`), [
    ...key,
    visitorsOf(totals),
    mergedSketchOf(totals, EMPTY_SKETCH),
    totals.pageviews,
    totals.visits,
    totals.bounces,
    totals.visitPageviews,
    totals.durationSeconds,
    totals.events,
  ]);
  for (const dimension of ROLLUP_DIMENSIONS) {
    const { rows: values } = await client.query<
      RollupSums & { value: string | null; parent: string | null }
    >(`SELECT value, parent, ${ROLLUP_SUMS} FROM (${source.values}) r GROUP BY value, parent`, [
      ...source.params,
      dimension,
    ]);
    for (let i = 0; i < values.length; i += SPAN_VALUES_PER_INSERT) {
      const chunk = values.slice(i, i + SPAN_VALUES_PER_INSERT);
      await client.query(insertSpanValuesSql(`${prefix}stats_span_values`), [
        ...key,
        dimension,
        chunk.map((row) => row.value),
        chunk.map((row) => row.parent),
        chunk.map((row) => visitorsOf(row)),
        chunk.map((row) => mergedSketchOf(row, EMPTY_SKETCH)),
        chunk.map((row) => row.pageviews),
        chunk.map((row) => row.visits),
        chunk.map((row) => row.bounces),
        chunk.map((row) => row.visitPageviews),
        chunk.map((row) => row.durationSeconds),
        chunk.map((row) => row.events),
      ]);
    }
  }
}
