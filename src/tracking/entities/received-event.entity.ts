import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Site } from '../../sites/entities/site.entity.js';

/**
 * The `event_id`s a site has sent, so a retried send is stored once. A table of its own because a
 * unique index on the (future, partitioned) page_views table would have to include `created_at`,
 * which differs between a send and its retry.
 */
@Entity('received_events')
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
