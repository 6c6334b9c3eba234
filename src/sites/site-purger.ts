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
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { trackingConfig } from '../config/tracking.config.js';
import { databaseErrorCode } from '../database/database-errors.js';

/**
 * The traffic tables, children first: each is emptied before the rows its foreign keys point to,
 * so a batch never cascades into another table's rows. Deleting sessions sets
 * `visitors.last_session_id` to null through `IDX_visitors_last_session_id`.
 */
export const TRAFFIC_TABLES = [
  'stats_day_columns',
  'stats_day_values',
  'stats_hours',
  'stats_days',
  'filtered_traffic',
  'received_events',
  'events',
  'page_views',
  'sessions',
  'visitors',
] as const;

/** Rows per DELETE: each batch is its own short transaction and holds its row locks briefly. */
export const PURGE_BATCH_ROWS = 5000;
/** A pause between batches, so the purge takes turns with ingestion rather than crowding it. */
const PAUSE_BETWEEN_BATCHES_MS = 10;
/** How often every replica looks for deleted sites left to purge (a CLI delete, a crashed replica). */
const SWEEP_INTERVAL_MS = 60_000;
/** How often a site waiting for its grace period to end is looked at again. */
const GRACE_POLL_MS = 500;
/** Beyond `SITE_CACHE_TTL_SECONDS`: clock skew, a batch that was already queued. */
const GRACE_MARGIN_MS = 5000;

/**
 * Removes the traffic of deleted sites (`sites.deleted_at` set) in the background, then the site
 * row. Ingestion of other sites never waits for it: rows go in batches of `PURGE_BATCH_ROWS`, each
 * DELETE its own transaction, found through the `site_id` indexes, and no table is locked. Other
 * sites' inserts check their foreign keys against their own site, visitor and session rows, never
 * the deleted site's.
 *
 * The site row stays (marked) until `SITE_CACHE_TTL_SECONDS` after the delete: until then another
 * replica may still accept an event for it from its cache, and an insert whose site row is gone
 * would fail the whole group-commit batch it shares with other sites' events. Rows such late
 * events left are swept with the site's last batches; the final DELETE of the site cascades to
 * anything inserted after that.
 *
 * Every replica runs one worker: started on a delete through the API, at start (a deletion a
 * restart interrupted resumes) and every minute. Two replicas purging one site only take turns
 * on its rows.
 */
@Injectable()
export class SitePurger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SitePurger.name);
  private readonly graceMs: number;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(trackingConfig.KEY) tracking: ConfigType<typeof trackingConfig>,
  ) {
    this.graceMs = tracking.siteCacheTtlMs + GRACE_MARGIN_MS;
  }

  onApplicationBootstrap(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), SWEEP_INTERVAL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Starts purging the deleted sites, or has the running purge look for them again after. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => (this.running = undefined));
  }

  /** Resolves when the running purge (if any) is done; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.purgeAll();
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(
          { sqlState: databaseErrorCode(error) },
          'Purging deleted sites failed; trying again within a minute.',
        );
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async purgeAll(): Promise<void> {
    // Sites whose traffic this run has removed already: while they wait for their grace period
    // only the time is checked, not the tables.
    const swept = new Set<string>();
    for (;;) {
      const sites: { id: string; deleted_at: Date }[] = await this.dataSource.query(
        'SELECT id, deleted_at FROM sites WHERE deleted_at IS NOT NULL ORDER BY deleted_at, id',
      );
      let waiting = false;
      for (const site of sites) {
        if (this.stopped) return;
        if (!swept.has(site.id)) {
          const rows = await this.purgeTraffic(site.id);
          if (this.stopped) return;
          swept.add(site.id);
          if (rows > 0) {
            this.logger.log({ siteId: site.id, rows }, 'Removed the traffic of a deleted site.');
          }
        }
        if (this.clock.now().getTime() < site.deleted_at.getTime() + this.graceMs) {
          waiting = true;
          continue;
        }
        // Rows a replica stored from its cache during the grace period go with the site row.
        await this.purgeTraffic(site.id);
        if (this.stopped) return;
        await this.dataSource.query('DELETE FROM sites WHERE id = $1 AND deleted_at IS NOT NULL', [
          site.id,
        ]);
        this.logger.log({ siteId: site.id }, 'Deleted a site and all its traffic.');
      }
      if (!waiting || this.stopped) return;
      await sleep(GRACE_POLL_MS);
    }
  }

  /** Deletes the site's rows of every traffic table in batches; answers how many. */
  private async purgeTraffic(siteId: string): Promise<number> {
    let total = 0;
    for (const table of TRAFFIC_TABLES) {
      for (;;) {
        if (this.stopped) return total;
        // For a DELETE, TypeORM's postgres driver answers [rows, row count].
        const [, deleted] = await this.dataSource.query<[unknown, number]>(
          `DELETE FROM ${table}
            WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE site_id = $1 LIMIT $2))`,
          [siteId, PURGE_BATCH_ROWS],
        );
        total += deleted;
        if (deleted < PURGE_BATCH_ROWS) break;
        await sleep(PAUSE_BETWEEN_BATCHES_MS);
      }
    }
    return total;
  }
}
