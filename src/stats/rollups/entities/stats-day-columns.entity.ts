import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Site } from '../../../sites/entities/site.entity.js';

/**
 * One local day of a site's visits and page views as columns of codes (see
 * `src/stats/columns/day-columns.ts`), written with the day's rollups: what the breakdowns that
 * no rollup answers count from.
 */
@Entity('stats_day_columns')
export class StatsDayColumns {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_stats_day_columns' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_stats_day_columns_site_id' })
  site?: Relation<Site>;

  /** The local date, `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'PK_stats_day_columns' })
  day!: string;

  /** When they were computed, by the server's clock. */
  @Column({ type: 'timestamptz' })
  computedAt!: Date;

  /** The version of their format (`FORMAT_VERSION`): others are written again by the job. */
  @Column({ type: 'smallint' })
  format!: number;

  /** The serialized columns (stored uncompressed: they are read whole and often). */
  @Column({ type: 'bytea' })
  data!: Buffer;
}
