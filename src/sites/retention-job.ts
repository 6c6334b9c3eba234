import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import type { DataSource, QueryRunner } from 'typeorm';
import { Clock } from '../common/clock.js';
import { RepeatingTimer } from '../common/repeating-timer.js';
import { trackingConfig } from '../config/tracking.config.js';
import { databaseErrorCode } from '../database/database-errors.js';

/** Rows per DELETE: each batch is its own short transaction and holds its row locks briefly. */
export const RETENTION_BATCH_ROWS = 5000;
/** At most this many batches (5 million rows) per run; what is left waits for the next run. */
export const RETENTION_MAX_BATCHES = 1000;
/** A pause between batches, so the job takes turns with ingestion rather than crowding it. */
const PAUSE_BETWEEN_BATCHES_MS = 10;
const FIRST_RUN_DELAY_MS = 60_000;
/** After a run that stopped at `RETENTION_MAX_BATCHES`: the next starts this soon. */
const CATCH_UP_DELAY_MS = 60_000;
/** `pg_try_advisory_lock` key: one replica at a time applies retention. */
const RETENTION_LOCK_KEY = 7_391_204_120;

const DELETED_ROWS = 'trackveil_retention_deleted_rows_total';

export const retentionMetricProviders = [
  makeCounterProvider({
    name: DELETED_ROWS,
    help: 'Rows the retention job deleted, by table (page_views, events, sessions, visitors).',
    labelNames: ['table'],
  }),
];

export type RetentionTable = 'page_views' | 'events' | 'sessions' | 'visitors';

export interface RetentionRunOptions {
  /** Rows per DELETE; `RETENTION_BATCH_ROWS` unless given. */
  batchRows?: number;
  /** Batches before the run stops (to resume on the next); `RETENTION_MAX_BATCHES` unless given. */
  maxBatches?: number;
}

export interface RetentionRun {
  /** False when another replica holds the lock: this run did nothing. */
  ran: boolean;
  /** Rows deleted per table, over all sites. */
  deleted: Record<RetentionTable, number>;
  /** False when the run stopped at its batch bound (or shutdown) with rows left to delete. */
  complete: boolean;
}

interface SiteCutoff {
  id: string;
  cutoff: Date;
}

/**
 * Page views and custom events older than the cutoff, oldest first through their
 * `(site_id, created_at)` indexes. The outer conditions repeat the inner ones, so a row updated
 * meanwhile is checked again, and every statement stays bounded by site and time (what partition
 * pruning will need, see the notes on partitioning in the README).
 */
const deleteOlder = (table: 'page_views' | 'events') => `
  WITH gone AS (
    DELETE FROM ${table}
     WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table}
                              WHERE site_id = $1 AND created_at < $2
                              ORDER BY created_at LIMIT $3))
       AND site_id = $1 AND created_at < $2
    RETURNING 1)
  SELECT count(*)::int AS deleted FROM gone`;

/**
 * The retention cutoff at `now` of a site keeping `months` calendar months, in UTC (SQL
 * expressions both).
 */
export const retentionCutoffSql = (now: string, months: string): string =>
  `(((${now}::timestamptz AT TIME ZONE 'UTC') - make_interval(months => ${months})) AT TIME ZONE 'UTC')`;

/**
 * The stats' day columns (per-visit facts, see `src/stats/columns/`) of the days that start
 * before the cutoff, in the site's timezone: they go with the raw rows they were made of. The
 * rollups (aggregates) stay.
 */
const DELETE_DAY_COLUMNS = `
    DELETE FROM stats_day_columns c USING sites s
     WHERE c.site_id = $1 AND s.id = c.site_id
       AND (c.day::timestamp AT TIME ZONE s.timezone) < $2`;

/**
 * Visits that started before the cutoff, with whatever page views and events they still have (a
 * visit spanning the cutoff goes whole, through the `session_id` cascades, so no visit is left
 * without its entry page). The visitors' `total_visits` and `total_page_views` lose what the
 * deleted visits counted; they are locked in the order ingestion locks them (site, fingerprint
 * hash), so the job and an ingestion batch cannot deadlock.
 */
const DELETE_SESSIONS = `
  WITH gone AS (
    DELETE FROM sessions
     WHERE ctid = ANY (ARRAY(SELECT ctid FROM sessions
                              WHERE site_id = $1 AND started_at < $2
                              ORDER BY started_at LIMIT $3))
       AND site_id = $1 AND started_at < $2
    RETURNING visitor_id, page_view_count),
  totals AS (
    SELECT visitor_id, count(*)::int AS visits, sum(page_view_count)::int AS views
      FROM gone GROUP BY visitor_id),
  locked AS (
    SELECT v.id, t.visits, t.views FROM visitors v JOIN totals t ON t.visitor_id = v.id
     ORDER BY v.site_id, v.fingerprint_hash
       FOR NO KEY UPDATE OF v),
  counted AS (
    UPDATE visitors v
       SET total_visits = greatest(v.total_visits - l.visits, 0),
           total_page_views = greatest(v.total_page_views - l.views, 0)
      FROM locked l
     WHERE v.id = l.id
    RETURNING 1)
  SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM counted)::int AS counted`;

/**
 * Visitors first seen and last seen before the cutoff that have no visit left. Visitors whose
 * first sighting is old but who came back are kept, so the scan walks `(site_id,
 * first_seen_at)` with a cursor (`$4`, `$5`) instead of reading them again every batch. A visitor
 * that ingestion touches meanwhile gets a new row version (and a new `last_seen_at` once it has
 * a new visit): the `ctid` and `last_seen_at` conditions then skip it.
 */
const DELETE_VISITORS = `
  WITH page AS (
    SELECT v.ctid AS row, v.id, v.first_seen_at,
           v.last_seen_at < $2 AND s.visit IS NULL AS expired
      FROM visitors v
      -- A lookup per visitor in IDX_sessions_visitor_id_started_at, never a scan of all sessions.
      LEFT JOIN LATERAL (SELECT 1 AS visit FROM sessions s WHERE s.visitor_id = v.id LIMIT 1) s
        ON true
     WHERE v.site_id = $1 AND v.first_seen_at < $2
       AND v.first_seen_at >= $4 AND (v.first_seen_at, v.id) > ($4, $5::uuid)
     ORDER BY v.first_seen_at, v.id LIMIT $3),
  gone AS (
    DELETE FROM visitors
     WHERE ctid = ANY (ARRAY(SELECT row FROM page WHERE expired))
       AND site_id = $1 AND last_seen_at < $2
    RETURNING 1),
  last AS (SELECT first_seen_at, id FROM page ORDER BY first_seen_at DESC, id DESC LIMIT 1)
  SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM page)::int AS scanned,
         (SELECT first_seen_at FROM last) AS last_seen, (SELECT id FROM last) AS last_id`;

/** Before every `first_seen_at` and every uuid: where the visitors cursor starts. */
const CURSOR_START: { at: Date | string; id: string } = {
  at: '-infinity',
  id: '00000000-0000-0000-0000-000000000000',
};

/**
 * Applies each site's `retention_months`: deletes the page views and custom events older than
 * the cutoff (now minus that many calendar months, in UTC; 31 March minus one month is 28 or 29
 * February), then the visits that started before it, then the visitors left without a visit and
 * not seen since. Children go first, so a batch never cascades into a large implicit delete.
 *
 * A minute after start and then every `RETENTION_INTERVAL_HOURS`. Rows go in batches of
 * `RETENTION_BATCH_ROWS`, each DELETE its own transaction found through the site's indexes, so
 * ingestion of the same and other sites waits at most for one batch's row locks. A run stops after
 * `RETENTION_MAX_BATCHES` batches (releasing its lock) and the next one, a minute later, continues
 * where it left off (nothing is remembered: the older rows are simply still there). Only one replica works at a time: a run
 * holds a session-level `pg_try_advisory_lock` and another replica's run skips while it is held.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionJob.name);
  private readonly intervalMs: number;
  private readonly timer = new RepeatingTimer(() => this.scheduledRun(), FIRST_RUN_DELAY_MS);
  private running?: Promise<RetentionRun>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(trackingConfig.KEY) tracking: ConfigType<typeof trackingConfig>,
    @InjectMetric(DELETED_ROWS) private readonly deletedRows: Counter<'table'>,
  ) {
    this.intervalMs = tracking.retentionIntervalMs;
  }

  onApplicationBootstrap(): void {
    this.timer.start(FIRST_RUN_DELAY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timer.stop();
    await this.running?.catch(() => undefined);
  }

  /** Runs retention now, or joins the run in progress on this replica. */
  run(options: RetentionRunOptions = {}): Promise<RetentionRun> {
    this.running ??= this.runLocked(options).finally(() => (this.running = undefined));
    return this.running;
  }

  /** One scheduled run; answers the delay before the next. */
  private async scheduledRun(): Promise<number> {
    try {
      const run = await this.run();
      // A run that stopped at its bound is followed soon by the next, until it catches up.
      return run.ran && !run.complete ? CATCH_UP_DELAY_MS : this.intervalMs;
    } catch (error) {
      this.logger.warn(
        { sqlState: databaseErrorCode(error) },
        'Applying data retention failed; trying again at the next run.',
      );
      return this.intervalMs;
    }
  }

  private async runLocked(options: RetentionRunOptions): Promise<RetentionRun> {
    const deleted: Record<RetentionTable, number> = {
      page_views: 0,
      events: 0,
      sessions: 0,
      visitors: 0,
    };
    // One connection holds the lock and runs every batch; if it breaks, PostgreSQL releases the
    // lock with it.
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        RETENTION_LOCK_KEY,
      ])) as { locked: boolean }[];
      if (!locked) {
        this.logger.log('Another replica is applying data retention; skipping this run.');
        return { ran: false, deleted, complete: false };
      }
      try {
        const complete = await this.applyAll(runner, deleted, {
          batchRows: options.batchRows ?? RETENTION_BATCH_ROWS,
          batchesLeft: options.maxBatches ?? RETENTION_MAX_BATCHES,
        });
        return { ran: true, deleted, complete };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Applies every site's retention; false when it stopped with rows left. */
  private async applyAll(
    runner: QueryRunner,
    total: Record<RetentionTable, number>,
    budget: { batchRows: number; batchesLeft: number },
  ): Promise<boolean> {
    const sites = (await runner.query(
      `SELECT id, ${retentionCutoffSql('$1', 'retention_months')} AS cutoff
         FROM sites WHERE retention_months IS NOT NULL AND deleted_at IS NULL ORDER BY id`,
      [this.clock.now()],
    )) as SiteCutoff[];
    for (const site of sites) {
      const deleted: Record<RetentionTable, number> = {
        page_views: 0,
        events: 0,
        sessions: 0,
        visitors: 0,
      };
      const complete = await this.applySite(runner, site, deleted, budget);
      const rows = Object.values(deleted).reduce((sum, count) => sum + count, 0);
      for (const table of Object.keys(deleted) as RetentionTable[]) {
        total[table] += deleted[table];
        if (deleted[table] > 0) this.deletedRows.inc({ table }, deleted[table]);
      }
      if (rows > 0 || !complete) {
        this.logger.log(
          { siteId: site.id, cutoff: site.cutoff.toISOString(), ...deleted, complete },
          complete
            ? 'Deleted traffic older than the site keeps.'
            : 'Deleted traffic older than the site keeps; the rest waits for the next run.',
        );
      }
      if (!complete) return false;
    }
    return true;
  }

  /** One site, table by table, children first; false when the budget or a shutdown stopped it. */
  private async applySite(
    runner: QueryRunner,
    site: SiteCutoff,
    deleted: Record<RetentionTable, number>,
    budget: { batchRows: number; batchesLeft: number },
  ): Promise<boolean> {
    // Each batch: undefined once the run must stop, else the statement's one row of figures.
    const batch = async <T>(sql: string, more: unknown[] = []): Promise<T | undefined> => {
      if (this.stopped || budget.batchesLeft <= 0) return undefined;
      budget.batchesLeft -= 1;
      const [row] = (await runner.query(sql, [
        site.id,
        site.cutoff,
        budget.batchRows,
        ...more,
      ])) as T[];
      await sleep(PAUSE_BETWEEN_BATCHES_MS);
      return row;
    };
    // A few rows (days) at most, outside the batch budget.
    await runner.query(DELETE_DAY_COLUMNS, [site.id, site.cutoff]);
    for (const table of ['page_views', 'events'] as const) {
      for (;;) {
        const result = await batch<{ deleted: number }>(deleteOlder(table));
        if (!result) return false;
        deleted[table] += result.deleted;
        if (result.deleted < budget.batchRows) break;
      }
    }
    for (;;) {
      const result = await batch<{ deleted: number }>(DELETE_SESSIONS);
      if (!result) return false;
      deleted.sessions += result.deleted;
      if (result.deleted < budget.batchRows) break;
    }
    let cursor = CURSOR_START;
    for (;;) {
      const result = await batch<{
        deleted: number;
        scanned: number;
        last_seen: Date;
        last_id: string;
      }>(DELETE_VISITORS, [cursor.at, cursor.id]);
      if (!result) return false;
      deleted.visitors += result.deleted;
      if (result.scanned < budget.batchRows) break;
      cursor = { at: result.last_seen, id: result.last_id };
    }
    return true;
  }
}
