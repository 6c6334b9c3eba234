import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Site } from '../../../sites/entities/site.entity.js';
import { RollupMetrics } from './rollup-metrics.js';

/**
 * The totals of one local day of a site (in its timezone): a rollup of the raw tables that
 * `RollupService` recomputes whole, never edits. A row also says the day is computed: days
 * without one are read from the raw tables.
 */
@Entity('stats_days')
export class StatsDay {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_stats_days' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_stats_days_site_id' })
  site?: Relation<Site>;

  /** The local date, `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'PK_stats_days' })
  day!: string;

  /**
   * Visitors with a page view (exact, and a sketch), page views, and the visits that started in
   * it with their bounces, page views and duration.
   */
  @Column(() => RollupMetrics, { prefix: false })
  metrics!: RollupMetrics;

  /** Custom events that day. */
  @Column({ type: 'integer' })
  events!: number;

  /** When its recomputation started, by the server's clock (the one page views are stamped with). */
  @Column({ type: 'timestamptz' })
  computedAt!: Date;
}
