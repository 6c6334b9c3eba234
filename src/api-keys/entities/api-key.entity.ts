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
} from 'typeorm';
import { Account } from '../../accounts/entities/account.entity.js';
import type { ApiKeyScope } from '../../auth/principal.js';
import { User } from '../../users/entities/user.entity.js';

/**
 * A key a program of one account calls the API with (`Authorization: Bearer tvk_…`). Only the
 * SHA-256 of the whole key is stored, so a copy of this table authenticates nobody; `prefix` is
 * its first characters, to tell keys apart in a listing. A revoked key stays (for the audit
 * trail and "who made this") but no longer authenticates.
 */
@Entity('api_keys')
@Index('UQ_api_keys_secret_hash', ['secretHash'], { unique: true })
@Index('IDX_api_keys_account_id', ['accountId'])
@Check('CHK_api_keys_scope', "scope IN ('stats:read', 'full')")
export class ApiKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_api_keys' })
  id!: string;

  @Column({ type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_api_keys_account_id' })
  account?: Relation<Account>;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  scope!: ApiKeyScope;

  /** `tvk_` and the next 8 characters of the key: enough to recognise it, useless to call with. */
  @Column({ type: 'varchar', length: 12 })
  prefix!: string;

  @Column({ type: 'bytea', select: false })
  secretHash!: Buffer;

  /** The member who created the key; null once that user is deleted (the key lives on). */
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdById!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'FK_api_keys_created_by' })
  createdBy?: Relation<User> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** Written at most once a minute per key, so it is "used around then", not an access log. */
  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
