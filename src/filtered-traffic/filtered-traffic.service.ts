import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { RepeatingTimer } from '../common/repeating-timer.js';
import { isUuid } from '../common/uuid.js';
import { databaseErrorCode, isDataError } from '../database/database-errors.js';
import { isTimeZone } from '../sites/timezones.js';

/** How often the counts gathered in memory are written; the panel lags by at most this. */
export const FLUSH_INTERVAL_MS = 5000;
/**
 * Distinct (site, hour, reason) counts kept between two writes, and while the database cannot
 * take them (a few MB). A key beyond it is dropped and counted in a warning; keys already held
 * still count. Unknown site ids (anyone can send any) take room until the next write drops them.
 */
export const MAX_PENDING_KEYS = 50_000;
/** Rows are kept this many months (two years and the month before, for a year-over-year view). */
export const RETENTION_MONTHS = 25;
const RETENTION_INTERVAL_MS = 86_400_000;
const FIRST_RETENTION_DELAY_MS = 60_000;
/** Rows per retention DELETE: short transactions, no long locks. */
const RETENTION_BATCH = 5000;
/** The least time between two "could not write" warnings. */
const FAILURE_LOG_INTERVAL_MS = 30_000;
const HOUR_MS = 3_600_000;
/** The width of the `reason` column. */
const MAX_REASON_LENGTH = 32;

/** One day of one reason, the day read in the site's time zone. */
export interface FilteredTrafficDay {
  /** `YYYY-MM-DD` in the time zone asked for. */
  date: string;
  reason: string;
  count: number;
}

export interface FilteredTrafficCounts {
  days: FilteredTrafficDay[];
  /** Per reason over the whole range, largest first. */
  totals: { reason: string; count: number }[];
}

/**
 * Filtered traffic: how many `/track` requests of a site stored nothing, per hour and reason.
 * `record()` only adds one to a count in memory; the counts are written every
 * `FLUSH_INTERVAL_MS` and on shutdown, all in one upsert, so the request path never waits for
 * the database. Counts of a failed write are kept for the next one. Rows older than
 * `RETENTION_MONTHS` are deleted daily.
 */
@Injectable()
export class FilteredTrafficService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(FilteredTrafficService.name);
  /** Counts by `siteId|hour in ms|reason`. */
  private pending = new Map<string, number>();
  private writing: Promise<void> = Promise.resolve();
  private flushTimer?: NodeJS.Timeout;
  private readonly retentionTimer = new RepeatingTimer(
    () => this.scheduledPrune(),
    RETENTION_INTERVAL_MS,
  );
  private pruning?: Promise<number>;
  private dropped = 0;
  private failing = false;
  private failureLoggedAt = -Infinity;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts one request of the site that stored nothing. Never waits and never throws; a value
   * that is not a site id (a malformed body, no `?s=`) is not counted here.
   */
  record(siteId: unknown, reason: string): void {
    if (typeof siteId !== 'string' || !isUuid(siteId) || reason.length > MAX_REASON_LENGTH) return;
    const hour = Math.floor(this.clock.now().getTime() / HOUR_MS) * HOUR_MS;
    const key = `${siteId.toLowerCase()}|${hour}|${reason}`;
    const count = this.pending.get(key);
    if (count !== undefined) this.pending.set(key, count + 1);
    else if (this.pending.size < MAX_PENDING_KEYS) this.pending.set(key, 1);
    else this.dropped += 1;
  }

  /** Writes the counts gathered so far; resolves once written (or failed and kept). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  /**
   * Per day (in `timezone`, an IANA name such as the site's) and reason, the requests of the
   * hours in [from, to). An hour belongs to the day it starts in, which matters only for zones
   * whose offset is not whole hours. Counts not yet flushed are not included. The caller checks
   * that the reader may see the site.
   */
  async countsByDay(
    siteId: string,
    from: Date,
    to: Date,
    timezone: string,
  ): Promise<FilteredTrafficCounts> {
    if (!isTimeZone(timezone)) throw new RangeError(`Unknown time zone "${timezone}".`);
    const rows = await this.dataSource.query<{ date: string; reason: string; count: string }[]>(
      `SELECT to_char(hour AT TIME ZONE $4, 'YYYY-MM-DD') AS date, reason,
              sum(count)::bigint AS count
         FROM filtered_traffic
        WHERE site_id = $1 AND hour >= $2 AND hour < $3
        GROUP BY 1, 2
        ORDER BY 1, 2`,
      [siteId, from, to, timezone],
    );
    const days = rows.map((row) => ({ ...row, count: Number(row.count) }));
    const totals = new Map<string, number>();
    for (const day of days) totals.set(day.reason, (totals.get(day.reason) ?? 0) + day.count);
    return {
      days,
      totals: [...totals]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    };
  }

  /** Deletes the rows older than `RETENTION_MONTHS`, a batch at a time; returns how many. */
  prune(): Promise<number> {
    this.pruning ??= this.deleteExpired().finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  onApplicationBootstrap(): void {
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
    this.retentionTimer.start(FIRST_RETENTION_DELAY_MS);
  }

  /**
   * Before TypeORM closes its pool (in its own `onApplicationShutdown`): Nest runs every
   * `beforeApplicationShutdown` first, as `AuditService` relies on too.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    this.retentionTimer.stop();
    await this.pruning?.catch(() => undefined);
    await this.flush();
  }

  /**
   * Writes what requests that finished while the HTTP server closed recorded. This module is
   * not global, so its hook runs before TypeORM's global module closes the pool (Nest shuts
   * global modules down last); what still cannot be written is counted in a warning.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.pending.size === 0) return;
    if (this.dataSource.isInitialized) await this.flush();
    if (this.pending.size > 0) {
      const lost = [...this.pending.values()].reduce((sum, count) => sum + count, 0);
      this.logger.warn({ lost }, `${lost} filtered requests could not be counted before shutdown.`);
      this.pending.clear();
    }
  }

  private async writePending(): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn(
        { dropped: this.dropped },
        `Did not count ${this.dropped} filtered requests: more than ${MAX_PENDING_KEYS} site, hour and reason counts were waiting.`,
      );
      this.dropped = 0;
    }
    if (this.pending.size === 0) return;
    // Swapped out while written: what requests record meanwhile goes to the next write.
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.upsert(batch);
      if (this.failing) {
        this.failing = false;
        this.logger.log('Filtered traffic is being written again.');
      }
    } catch (error) {
      if (isDataError(error)) {
        this.logger.error(
          { err: error, counts: batch.size },
          `Dropped ${batch.size} filtered traffic counts the database refused.`,
        );
        return;
      }
      this.keep(batch);
      this.failing = true;
      const now = performance.now();
      if (now - this.failureLoggedAt >= FAILURE_LOG_INTERVAL_MS) {
        this.failureLoggedAt = now;
        this.logger.warn(
          { waiting: this.pending.size, sqlState: databaseErrorCode(error) },
          `Could not write filtered traffic (${this.pending.size} counts waiting); retrying every ${FLUSH_INTERVAL_MS / 1000} s.`,
        );
      }
    }
  }

  /** Puts the counts of a failed write back, within `MAX_PENDING_KEYS`. */
  private keep(batch: Map<string, number>): void {
    for (const [key, count] of batch) {
      const current = this.pending.get(key);
      if (current !== undefined) this.pending.set(key, current + count);
      else if (this.pending.size < MAX_PENDING_KEYS) this.pending.set(key, count);
      else this.dropped += count;
    }
  }

  /**
   * One statement for every count. The join keeps only sites that exist and are not being
   * deleted, so an unknown site id neither fails the batch through the foreign key nor writes a
   * row. Rows are upserted in key order, so two replicas writing at once cannot deadlock.
   */
  private async upsert(batch: Map<string, number>): Promise<void> {
    const siteIds: string[] = [];
    const hours: string[] = [];
    const reasons: string[] = [];
    const counts: number[] = [];
    for (const [key, count] of batch) {
      const [siteId, hour, reason] = key.split('|');
      siteIds.push(siteId);
      hours.push(new Date(Number(hour)).toISOString());
      reasons.push(reason);
      counts.push(count);
    }
    await this.dataSource.query(
      `INSERT INTO filtered_traffic (site_id, hour, reason, count)
       SELECT p.site_id, p.hour, p.reason, p.count
         FROM unnest($1::uuid[], $2::timestamptz[], $3::varchar[], $4::bigint[])
                AS p(site_id, hour, reason, count)
         JOIN sites s ON s.id = p.site_id AND s.deleted_at IS NULL
        ORDER BY p.site_id, p.hour, p.reason
       ON CONFLICT (site_id, hour, reason)
       DO UPDATE SET count = filtered_traffic.count + excluded.count`,
      [siteIds, hours, reasons, counts],
    );
  }

  /** One scheduled retention run; answers the delay before the next. */
  private async scheduledPrune(): Promise<number> {
    try {
      const deleted = await this.prune();
      if (deleted > 0) this.logger.log({ deleted }, 'Deleted expired filtered traffic rows.');
    } catch (error) {
      this.logger.warn(
        { sqlState: databaseErrorCode(error) },
        'Could not delete expired filtered traffic; trying again tomorrow.',
      );
    }
    return RETENTION_INTERVAL_MS;
  }

  private async deleteExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      // For a DELETE, TypeORM's postgres driver answers [rows, row count].
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM filtered_traffic
          WHERE ctid = ANY (ARRAY(
                  SELECT ctid FROM filtered_traffic
                   WHERE hour < $1::timestamptz - make_interval(months => $2) LIMIT $3))`,
        [this.clock.now(), RETENTION_MONTHS, RETENTION_BATCH],
      );
      total += deleted;
      if (deleted < RETENTION_BATCH) return total;
    }
  }
}
