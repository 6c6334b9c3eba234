import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { Account } from '../../accounts/entities/account.entity.js';

/** A website being tracked; its id is the `data-site-id` of the snippet. */
@Entity('sites')
@Index('IDX_sites_account_id', ['accountId'])
@Check('CHK_sites_name_length', 'char_length(name) BETWEEN 1 AND 200')
@Check('CHK_sites_domain_length', 'char_length(domain) BETWEEN 1 AND 253')
@Check('CHK_sites_fingerprint_salt_length', 'octet_length(fingerprint_salt) = 32')
@Check('CHK_sites_allowed_domains_count', 'cardinality(allowed_domains) <= 100')
@Check('CHK_sites_timezone_length', 'char_length(timezone) BETWEEN 1 AND 64')
@Check('CHK_sites_retention_months', 'retention_months BETWEEN 1 AND 1200')
export class Site {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sites' })
  id!: string;

  @Column({ type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_sites_account_id' })
  account?: Relation<Account>;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The site's main host name, e.g. `example.com`. */
  @Column({ type: 'varchar', length: 253 })
  domain!: string;

  /**
   * When not empty, only pages on these domains (and their subdomains) may send events; others
   * get 403. Empty accepts any origin.
   */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  allowedDomains!: string[];

  /** Secret per-site salt for fingerprint hashes, so hashes cannot be joined across sites. */
  @Column({ type: 'bytea', select: false })
  fingerprintSalt!: Buffer;

  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  /**
   * The IANA time zone the site's reports count days in (`Europe/Berlin`); checked against the
   * zones Node knows when set through the API or the CLI.
   */
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone!: string;

  /**
   * How many calendar months of raw traffic `RetentionJob` keeps (page views, custom events,
   * visits and visitors older than that are deleted); null keeps it for ever.
   */
  @Column({ type: 'integer', nullable: true })
  retentionMonths!: number | null;

  /**
   * Set while `stats rebuild` recomputes the site's rollups: an interrupted rebuild resumes from
   * it, skipping the days recomputed since.
   */
  @Column({ type: 'timestamptz', nullable: true })
  statsRebuildStartedAt!: Date | null;

  /**
   * Set when the site is deleted: from then on the API and `/track` treat it as gone, while
   * `SitePurger` removes its traffic in small batches and then the row itself.
   */
  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
