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
}
