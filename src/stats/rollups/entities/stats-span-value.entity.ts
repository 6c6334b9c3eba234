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
 * One breakdown row of a span (a week, a month or a run of days, see `rollup-spans.ts`): its
 * days' `StatsDayValue` rows of one dimension, value and parent merged.
 */
@Entity('stats_span_values')
@Index('IDX_stats_span_values_site_id_dimension_kind_start', [
  'siteId',
  'dimension',
  'kind',
  'start',
])
export class StatsSpanValue {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'PK_stats_span_values',
  })
  id!: string;

  @Column({ type: 'uuid' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_stats_span_values_site_id' })
  site?: Relation<Site>;

  @Column({ type: 'varchar', length: 8 })
  kind!: string;

  @Column({ type: 'date' })
  start!: string;

  @Column({ type: 'varchar', length: 32 })
  dimension!: string;

  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ type: 'text', nullable: true })
  parent!: string | null;

  @Column(() => RollupMetrics, { prefix: false })
  metrics!: RollupMetrics;

  @Column({ type: 'integer' })
  events!: number;
}
