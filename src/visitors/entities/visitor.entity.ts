import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Session } from '../../sessions/entities/session.entity.js';
import { Site } from '../../sites/entities/site.entity.js';

/**
 * One browser on one site, known only by a salted hash of its fingerprint. `last_seen_at`,
 * `total_visits`, `total_page_views` and `last_session_id` are kept by database triggers on
 * sessions and page views.
 */
@Entity('visitors')
@Index('UQ_visitors_site_id_fingerprint_hash', ['siteId', 'fingerprintHash'], { unique: true })
@Index('IDX_visitors_site_id_first_seen_at', ['siteId', 'firstSeenAt'])
// Deleting a session sets `last_session_id` to null on the visitors that name it: without this
// index each deleted session is a scan of every visitor (see SitesApi1765022400000).
@Index('IDX_visitors_last_session_id', ['lastSessionId'])
// 64 lowercase hex digits, without a regular expression (see FingerprintHashCheck1764590400000).
@Check(
  'CHK_visitors_fingerprint_hash',
  "char_length(fingerprint_hash) = 64 AND ltrim(fingerprint_hash, '0123456789abcdef') = ''",
)
@Check('CHK_visitors_seen_order', 'last_seen_at >= first_seen_at')
@Check('CHK_visitors_totals', 'total_visits >= 0 AND total_page_views >= 0')
export class Visitor {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_visitors' })
  id!: string;

  @Column({ type: 'uuid' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_visitors_site_id' })
  site?: Relation<Site>;

  /** Hex SHA-256 of the site's salt and the browser fingerprint. */
  @Column({ type: 'char', length: 64 })
  fingerprintHash!: string;

  @Column({ type: 'timestamptz' })
  firstSeenAt!: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ type: 'integer', default: 0 })
  totalVisits!: number;

  @Column({ type: 'integer', default: 0 })
  totalPageViews!: number;

  /**
   * The visitor's latest session, kept by the sessions trigger. With `last_seen_at` (which is that
   * session's last activity) it lets ingestion choose a session without reading `sessions`.
   */
  @Column({ type: 'uuid', nullable: true })
  lastSessionId!: string | null;

  @ManyToOne(() => Session, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'last_session_id', foreignKeyConstraintName: 'FK_visitors_last_session_id' })
  lastSession?: Relation<Session> | null;
}
