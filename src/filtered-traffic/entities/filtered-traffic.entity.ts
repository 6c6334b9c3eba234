import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Site } from '../../sites/entities/site.entity.js';

/**
 * How many `/track` requests of a site stored nothing, per UTC hour and reason (`bot`,
 * `rate_limited`, … the `reason` label of `trackveil_events_total`). Written only by
 * `FilteredTrafficService`, which adds up counts in memory and upserts them every few seconds.
 */
@Entity('filtered_traffic')
// A BRIN index (made by its migration; TypeORM cannot declare one) for the retention delete.
@Index('IDX_filtered_traffic_hour', { synchronize: false })
export class FilteredTraffic {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_filtered_traffic' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_filtered_traffic_site_id' })
  site?: Relation<Site>;

  /** The start of the UTC hour the requests arrived in. */
  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'PK_filtered_traffic' })
  hour!: Date;

  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_filtered_traffic' })
  reason!: string;

  /** A bigint: pg returns it as a string. */
  @Column({ type: 'bigint' })
  count!: string;
}
