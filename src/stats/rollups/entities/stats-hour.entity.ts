import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Site } from '../../../sites/entities/site.entity.js';
import { RollupMetrics } from './rollup-metrics.js';

/** The totals of one local hour of a site, computed with its day (see `StatsDay`). */
@Entity('stats_hours')
export class StatsHour {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_stats_hours' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_stats_hours_site_id' })
  site?: Relation<Site>;

  /** The local start of the hour, in the site's timezone (a DST fall-back hour holds both). */
  @PrimaryColumn({
    type: 'timestamp without time zone',
    primaryKeyConstraintName: 'PK_stats_hours',
  })
  hour!: Date;

  /**
   * Visitors with a page view (exact, and a sketch), page views, and the visits that started in
   * it with their bounces, page views and duration.
   */
  @Column(() => RollupMetrics, { prefix: false })
  metrics!: RollupMetrics;
}
