import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Site } from '../../sites/entities/site.entity.js';
import { User } from '../../users/entities/user.entity.js';

/**
 * A read-only link to one site's dashboard (`PUBLIC_URL/share/<token>`). Only the SHA-256 of the
 * token is stored, so a copy of this table opens nothing; the optional password is kept as an
 * argon2id hash. Revoking deletes the row: the link stops working at its next request.
 */
@Entity('shared_links')
@Index('UQ_shared_links_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_shared_links_site_id', ['siteId'])
export class SharedLink {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_shared_links' })
  id!: string;

  @Column({ type: 'uuid' })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'site_id', foreignKeyConstraintName: 'FK_shared_links_site_id' })
  site?: Relation<Site>;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'bytea', select: false })
  tokenHash!: Buffer;

  @Column({ type: 'text', nullable: true, select: false })
  passwordHash!: string | null;

  /** The admin who created the link; null once that user is deleted (the link lives on). */
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdById!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'FK_shared_links_created_by' })
  createdBy?: Relation<User> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
