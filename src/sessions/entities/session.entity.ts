import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Site } from '../../sites/entities/site.entity.js';
import { Visitor } from '../../visitors/entities/visitor.entity.js';

/**
 * A visit: page views of one visitor with no gap longer than the session timeout. Its id is made by
 * the application, so a batch can insert sessions and their page views without a read back.
 * `last_activity_at`, `page_view_count` and `exit_path` are kept by a trigger on page views.
 */
@Entity('sessions')
@Index('IDX_sessions_visitor_id_started_at', ['visitorId', 'startedAt'])
@Index('IDX_sessions_site_id_started_at', ['siteId', 'startedAt'])
@Check('CHK_sessions_activity_order', 'last_activity_at >= started_at')
@Check('CHK_sessions_page_view_count', 'page_view_count >= 0')
@Check('CHK_sessions_country', `country ~ '^[A-Z]{2}$'`)
export class Session {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_sessions' })
  id!: string;

  @Column({ type: 'uuid' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_sessions_site_id' })
  site?: Relation<Site>;

  @Column({ type: 'uuid' })
  visitorId!: string;

  @ManyToOne(() => Visitor, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'visitor_id', foreignKeyConstraintName: 'FK_sessions_visitor_id' })
  visitor?: Relation<Visitor>;

  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz' })
  lastActivityAt!: Date;

  @Column({ type: 'integer', default: 0 })
  pageViewCount!: number;

  @Column({ type: 'varchar', length: 2048 })
  entryPath!: string;

  @Column({ type: 'varchar', length: 2048 })
  exitPath!: string;

  /** Where the visit came from: the referrer host and campaign of its first page view. */
  @Column({ type: 'varchar', length: 253, nullable: true })
  referrerHost!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmSource!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmMedium!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmCampaign!: string | null;

  /**
   * The named source of the visit ("Google", "Hacker News", a `utm_source` as sent), from its
   * `utm_source` or else its referrer host; null for direct visits.
   */
  @Column({ type: 'varchar', length: 256, nullable: true })
  source!: string | null;

  /** The referrer of the first hit, without query string and fragment; none for internal moves. */
  @Column({ type: 'varchar', length: 2048, nullable: true })
  referrer!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmTerm!: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  utmContent!: string | null;

  /** The browser, OS, device and screen of the visit's first hit. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  browser!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  browserVersion!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  os!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  osVersion!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  deviceType!: string | null;

  @Column({ type: 'integer', nullable: true })
  screenWidth!: number | null;

  /** ISO 3166-1 alpha-2 code of the visitor's country, looked up at ingest; null when unknown. */
  @Column({ type: 'char', length: 2, nullable: true })
  country!: string | null;
}
