import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Session } from '../../sessions/entities/session.entity.js';
import { Site } from '../../sites/entities/site.entity.js';
import { Visitor } from '../../visitors/entities/visitor.entity.js';

/** A flat set of custom properties: at most 30 keys, string/number/boolean values. */
export type EventProps = Record<string, string | number | boolean>;

/**
 * A custom event (`trackveil('Signup', { plan: 'pro' })`), tied to its visitor and session like a
 * page view. Like `page_views`, its primary key includes `created_at` for monthly partitions.
 * A trigger extends the session's (and visitor's) last activity; page view counts are untouched.
 */
@Entity('events')
@Index('IDX_events_site_id_created_at', ['siteId', 'createdAt'])
@Index('IDX_events_site_id_name_created_at', ['siteId', 'name', 'createdAt'])
@Index('IDX_events_session_id', ['sessionId'])
@Index('IDX_events_visitor_id', ['visitorId'])
@Check('CHK_events_name_length', 'char_length(name) BETWEEN 1 AND 120')
@Check('CHK_events_props_object', "jsonb_typeof(props) = 'object'")
export class CustomEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_events' })
  id!: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'PK_events' })
  createdAt!: Date;

  @Column({ type: 'uuid' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_events_site_id' })
  site?: Relation<Site>;

  @Column({ type: 'uuid' })
  visitorId!: string;

  @ManyToOne(() => Visitor, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'visitor_id', foreignKeyConstraintName: 'FK_events_visitor_id' })
  visitor?: Relation<Visitor>;

  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_events_session_id' })
  session?: Relation<Session>;

  /** The client's `event_id`, when it sent one. */
  @Column({ type: 'uuid', nullable: true })
  eventId!: string | null;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  props!: EventProps;

  /** The page the event happened on. */
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 253 })
  hostname!: string;

  @Column({ type: 'varchar', length: 2048 })
  path!: string;
}
