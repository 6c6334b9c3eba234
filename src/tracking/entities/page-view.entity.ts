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

export const DEVICE_TYPES = [
  'desktop',
  'mobile',
  'tablet',
  'console',
  'smarttv',
  'wearable',
  'embedded',
  'xr',
] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/**
 * One page view. The primary key includes `created_at` so the table can be range-partitioned by
 * month without changing its keys; retried sends are de-duplicated in `received_events`, which
 * needs no partition key.
 */
@Entity('page_views')
@Index('IDX_page_views_site_id_created_at', ['siteId', 'createdAt'])
@Index('IDX_page_views_session_id', ['sessionId'])
@Index('IDX_page_views_visitor_id', ['visitorId'])
@Check(
  'CHK_page_views_screen',
  'screen_width BETWEEN 0 AND 100000 AND screen_height BETWEEN 0 AND 100000',
)
@Check('CHK_page_views_load_time_ms', 'load_time_ms BETWEEN 0 AND 600000')
@Check(
  'CHK_page_views_device_type',
  `device_type IN (${DEVICE_TYPES.map((type) => `'${type}'`).join(', ')})`,
)
export class PageView {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_page_views' })
  id!: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'PK_page_views' })
  createdAt!: Date;

  @Column({ type: 'uuid' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_page_views_site_id' })
  site?: Relation<Site>;

  @Column({ type: 'uuid' })
  visitorId!: string;

  @ManyToOne(() => Visitor, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'visitor_id', foreignKeyConstraintName: 'FK_page_views_visitor_id' })
  visitor?: Relation<Visitor>;

  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_page_views_session_id' })
  session?: Relation<Session>;

  /** The client's `event_id`, when it sent one. */
  @Column({ type: 'uuid', nullable: true })
  eventId!: string | null;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 253 })
  hostname!: string;

  /** The URL path, percent-decoded where that cannot change which page it names. */
  @Column({ type: 'varchar', length: 2048 })
  path!: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  title!: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  referrer!: string | null;

  @Column({ type: 'varchar', length: 253, nullable: true })
  referrerHost!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmSource!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmMedium!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmCampaign!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmTerm!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmContent!: string | null;

  @Column({ type: 'integer', nullable: true })
  screenWidth!: number | null;

  @Column({ type: 'integer', nullable: true })
  screenHeight!: number | null;

  @Column({ type: 'integer', nullable: true })
  loadTimeMs!: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  browser!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  browserVersion!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  os!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  osVersion!: string | null;

  @Column({ type: 'varchar', length: 16 })
  deviceType!: DeviceType;

  /** The client address with its host part zeroed (IPv4 /24, IPv6 /48). Never the raw address. */
  @Column({ type: 'inet', nullable: true })
  ipAddress!: string | null;
}
