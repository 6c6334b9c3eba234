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
import { RepeatingTimer } from '../common/repeating-timer.js';
import { trackingConfig } from '../config/tracking.config.js';
import { databaseErrorCode } from '../database/database-errors.js';

/** How often old receipts are pruned, and the first time after start. */
export const PRUNE_INTERVAL_MS = 60 * 60_000;
const FIRST_PRUNE_DELAY_MS = 60_000;
/** Rows per DELETE: short transactions, no long locks or WAL bursts. */
const CHUNK = 10_000;

/**
 * Forgets `event_id` receipts older than `EVENT_ID_RETENTION_DAYS`: without this `received_events`
 * would grow by one row per event for ever. A client that retries a send later than that gets it
 * stored again; the tracker retries within its visitor's next page views. Runs hourly on every
 * replica; replicas pruning at the same time only skip each other's rows.
 */
@Injectable()
export class ReceiptsPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReceiptsPruner.name);
  private readonly retentionMs: number;
  private readonly timer = new RepeatingTimer(() => this.scheduledPrune(), PRUNE_INTERVAL_MS);
  private running?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(trackingConfig.KEY) config: ConfigType<typeof trackingConfig>,
  ) {
    this.retentionMs = config.eventIdRetentionMs;
  }

  onApplicationBootstrap(): void {
    this.timer.start(FIRST_PRUNE_DELAY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.timer.stop();
    await this.running;
  }

  /** Deletes the receipts older than the retention; returns how many. */
  prune(): Promise<number> {
    this.running ??= this.deleteOld().finally(() => (this.running = undefined));
    return this.running;
  }

  /** One scheduled run; answers the delay before the next. */
  private async scheduledPrune(): Promise<number> {
    await this.prune().catch((error: unknown) =>
      this.logger.warn(
        { sqlState: databaseErrorCode(error) },
        'Pruning old event_id receipts failed; trying again later.',
      ),
    );
    return PRUNE_INTERVAL_MS;
  }

  private async deleteOld(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.retentionMs);
    let total = 0;
    for (;;) {
      // For a DELETE, TypeORM's postgres driver answers [rows, row count].
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM received_events
          WHERE ctid = ANY (ARRAY(SELECT ctid FROM received_events WHERE received_at < $1 LIMIT $2))`,
        [before, CHUNK],
      );
      total += deleted;
      if (deleted < CHUNK) break;
    }
    if (total > 0) this.logger.log({ deleted: total }, 'Pruned old event_id receipts.');
    return total;
  }
}
