import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Site } from '../../sites/entities/site.entity.js';

/**
 * The `event_id`s a site has sent, so a retried send is stored once. A table of its own because a
 * unique index on the (future, partitioned) page_views table would have to include `created_at`,
 * which differs between a send and its retry. Kept for `EVENT_ID_RETENTION_DAYS`
 * (`ReceiptsPruner`).
 */
@Entity('received_events')
// A BRIN index (made by its migration; TypeORM cannot declare one): receipts arrive in time
// order, so pruning finds the old ones at the cost of a few bytes per thousand rows.
@Index('IDX_received_events_received_at', { synchronize: false })
export class ReceivedEvent {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_received_events' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_received_events_site_id' })
  site?: Relation<Site>;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_received_events' })
  eventId!: string;

  @Column({ type: 'timestamptz' })
  receivedAt!: Date;
}
