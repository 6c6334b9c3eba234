import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Site } from '../../../sites/entities/site.entity.js';
import { RollupMetrics } from './rollup-metrics.js';

/**
 * One breakdown row of one local day: a dimension (`source`, `page`, `event`…), one of its
 * values (null: none) and its parent's value (see `parent`), with the metrics a breakdown shows, computed with its day (see
 * `StatsDay`). Visit dimensions count visits that started that day and the page views of that
 * day by visits with the value; page dimensions count that day's page views on the value and
 * the visits they belong to; `event` counts custom events.
 */
@Entity('stats_day_values')
@Index('IDX_stats_day_values_site_id_dimension_day', ['siteId', 'dimension', 'day'])
export class StatsDayValue {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'PK_stats_day_values',
  })
  id!: string;

  @Column({ type: 'uuid' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_stats_day_values_site_id' })
  site?: Relation<Site>;

  @Column({ type: 'date' })
  day!: string;

  @Column({ type: 'varchar', length: 32 })
  dimension!: string;

  @Column({ type: 'text', nullable: true })
  value!: string | null;

  /**
   * For a dimension that drills down from another (`referrer` from `source`, the versions from
   * `browser` and `os`): the visits' value of that one, so a breakdown filtered on it reads here.
   * Null for the others.
   */
  @Column({ type: 'text', nullable: true })
  parent!: string | null;

  /**
   * Visitors with a page view (exact, and a sketch), page views, and the visits that started in
   * it with their bounces, page views and duration.
   */
  @Column(() => RollupMetrics, { prefix: false })
  metrics!: RollupMetrics;

  @Column({ type: 'integer' })
  events!: number;
}
