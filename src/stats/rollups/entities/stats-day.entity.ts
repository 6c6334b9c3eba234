import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Site } from '../../../sites/entities/site.entity.js';

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

  /** Distinct visitors with a page view that day (exact). */
  @Column({ type: 'integer' })
  visitors!: number;

  /** The same visitors as a HyperLogLog sketch (`src/stats/sketches/`), to merge across days. */
  @Column({ type: 'bytea' })
  visitorsSketch!: Buffer;

  @Column({ type: 'integer' })
  pageviews!: number;

  /** Visits that started that day, their bounces, page views and summed duration (seconds). */
  @Column({ type: 'integer' })
  visits!: number;

  @Column({ type: 'integer' })
  bounces!: number;

  @Column({ type: 'integer' })
  visitPageviews!: number;

  @Column({ type: 'double precision' })
  duration!: number;

  /** Custom events that day. */
  @Column({ type: 'integer' })
  events!: number;

  /** When its recomputation started, by the server's clock (the one page views are stamped with). */
  @Column({ type: 'timestamptz' })
  computedAt!: Date;
}
