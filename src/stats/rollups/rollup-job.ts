import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  InjectMetric,
  makeCounterProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { RepeatingTimer } from '../../common/repeating-timer.js';
import { statsConfig } from '../../config/stats.config.js';
import { databaseErrorCode } from '../../database/database-errors.js';
import { RollupsService } from './rollups.service.js';

/**
 * A site is refreshed again no sooner than this many times as long as one of its days took to
 * recompute: the job spends at most about a fifth of a core on one busy site.
 */
const COST_FACTOR = 4;

/** `pg_try_advisory_lock` key: one replica at a time refreshes the rollups. */
const ROLLUP_JOB_LOCK_KEY = 7_391_204_121;

const DAYS = 'trackveil_stats_rollup_days_total';
const RUN_SECONDS = 'trackveil_stats_rollup_run_seconds';

export const rollupMetricProviders = [
  makeCounterProvider({
    name: DAYS,
    help: 'Site days whose stats rollups the rollup job recomputed.',
  }),
  makeHistogramProvider({
    name: RUN_SECONDS,
    help: 'How long a run of the rollup job took.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  }),
];

export interface RollupRun {
  /** False when another replica holds the lock: this run did nothing. */
  ran: boolean;
  /** Site days recomputed. */
  days: number;
  /** Days of data still without rollups (the next run goes on). */
  missingLeft: number;
  /** Spans (closed weeks and months, runs of days) built. */
  spans: number;
  /** Whether spans may be left to build (the next run goes on). */
  spansLeft: boolean;
}

/**
 * Refreshes the stats rollups every `STATS_ROLLUP_INTERVAL_SECONDS` (0 turns rollups off): for
 * every site, the days that new rows touched, and days that have none yet (a new day, a new
 * deployment, a timezone change), a month of them per site and run; then the spans whose days
 * have settled (closed weeks and months, the runs of days of the recent periods), a few per site
 * and run (see `rollup-spans.ts`). A site whose day takes long to recompute is refreshed less often (see `COST_FACTOR`). One replica at a time runs it
 * (a session-level `pg_try_advisory_lock`); a failed run is logged and the next one retries.
 */
@Injectable()
export class RollupJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RollupJob.name);
  private readonly intervalMs: number;
  private readonly timer: RepeatingTimer;
  private running?: Promise<RollupRun>;
  private stopped = false;
  /** When each site was last refreshed, and how long a day of it took to recompute. */
  private readonly lastRefresh = new Map<string, { at: number; msPerDay: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly rollups: RollupsService,
    @Inject(statsConfig.KEY) config: ConfigType<typeof statsConfig>,
    @InjectMetric(DAYS) private readonly recomputed: Counter,
    @InjectMetric(RUN_SECONDS) private readonly runSeconds: Histogram,
  ) {
    this.intervalMs = config.rollupIntervalMs;
    this.timer = new RepeatingTimer(() => this.scheduledRun(), this.intervalMs);
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0) this.timer.start(this.intervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timer.stop();
    await this.running?.catch(() => undefined);
  }

  /**
   * Refreshes the rollups now, or joins the run in progress on this replica. `paced` (the
   * scheduled runs) skips the sites refreshed too recently for their cost.
   */
  run(options: { paced?: boolean } = {}): Promise<RollupRun> {
    this.running ??= this.runLocked(options.paced ?? false).finally(
      () => (this.running = undefined),
    );
    return this.running;
  }

  /** One scheduled run; answers the delay before the next. */
  private async scheduledRun(): Promise<number> {
    try {
      const run = await this.run({ paced: true });
      return run.missingLeft > 0 || run.spansLeft
        ? Math.min(this.intervalMs, 5000)
        : this.intervalMs;
    } catch (error) {
      this.logger.warn(
        { sqlState: databaseErrorCode(error), err: error },
        'Refreshing the stats rollups failed; trying again at the next run.',
      );
      return this.intervalMs;
    }
  }

  private async runLocked(paced: boolean): Promise<RollupRun> {
    const end = this.runSeconds.startTimer();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        ROLLUP_JOB_LOCK_KEY,
      ])) as { locked: boolean }[];
      if (!locked) return { ran: false, days: 0, missingLeft: 0, spans: 0, spansLeft: false };
      try {
        let days = 0;
        let missingLeft = 0;
        let spans = 0;
        let spansLeft = false;
        for (const site of await this.rollups.sites()) {
          if (this.stopped) break;
          // A site whose days take long to recompute waits COST_FACTOR times that long between
          // refreshes, so that one busy site never keeps the database busy.
          const last = this.lastRefresh.get(site.id);
          if (paced && last && performance.now() - last.at < COST_FACTOR * last.msPerDay) continue;
          const at = performance.now();
          const result = await this.rollups.refresh(site);
          if (result.days.length > 0) {
            const msPerDay = (performance.now() - at) / result.days.length;
            this.lastRefresh.set(site.id, { at, msPerDay });
          }
          days += result.days.length;
          missingLeft += result.missingLeft;
          spans += result.spans;
          spansLeft ||= result.spansLeft;
        }
        this.recomputed.inc(days);
        return { ran: true, days, missingLeft, spans, spansLeft };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [ROLLUP_JOB_LOCK_KEY]);
      }
    } finally {
      await runner.release();
      end();
    }
  }
}
