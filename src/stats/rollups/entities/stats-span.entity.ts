import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Site } from '../../../sites/entities/site.entity.js';
import { RollupMetrics } from './rollup-metrics.js';

/**
 * The totals of a span of a site, a run of its days (see `rollup-spans.ts`): its days' `StatsDay`
 * rows merged, the visitors estimated from their merged sketches.
 */
@Entity('stats_spans')
export class StatsSpan {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_stats_spans' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_stats_spans_site_id' })
  site?: Relation<Site>;

  /** `week` (Monday to Sunday), `month`, or `d<N>`: a run of N days from `start`. */
  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'PK_stats_spans' })
  kind!: string;

  /** Its first local date, `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'PK_stats_spans' })
  start!: string;

  @Column(() => RollupMetrics, { prefix: false })
  metrics!: RollupMetrics;

  @Column({ type: 'integer' })
  events!: number;
}
