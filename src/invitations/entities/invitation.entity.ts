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
import { Account } from '../../accounts/entities/account.entity.js';
import type { MembershipRole } from '../../users/entities/membership.entity.js';
import { User } from '../../users/entities/user.entity.js';

/**
 * An invitation to join an account with a role, sent to an e-mail address. The link carries a
 * random token; only its SHA-256 is stored, so a copy of this table lets nobody in. Pending means
 * neither accepted nor revoked (nor expired, which the queries check against the clock): an
 * account has at most one pending invitation per address, a new one replaces it.
 */
@Entity('invitations')
@Index('UQ_invitations_token_hash', ['tokenHash'], { unique: true })
@Index('UQ_invitations_account_id_email_pending', ['accountId', 'email'], {
  unique: true,
  where: 'accepted_at IS NULL AND revoked_at IS NULL',
})
@Index('IDX_invitations_account_id', ['accountId'])
@Check('CHK_invitations_role', "role IN ('owner', 'admin', 'viewer')")
@Check(
  'CHK_invitations_email_format',
  'email = lower(email) AND char_length(email) BETWEEN 3 AND 320',
)
export class Invitation {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_invitations' })
  id!: string;

  @Column({ type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_invitations_account_id' })
  account?: Relation<Account>;

  /** Normalized as `users.email` is (trimmed, lower-cased). */
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: MembershipRole;

  @Column({ type: 'bytea', select: false })
  tokenHash!: Buffer;

  /** Who invited; null once that user is deleted (the invitation stays valid). */
  @Column({ type: 'uuid', nullable: true })
  invitedBy!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'invited_by', foreignKeyConstraintName: 'FK_invitations_invited_by' })
  inviter?: Relation<User> | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  acceptedBy!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'accepted_by', foreignKeyConstraintName: 'FK_invitations_accepted_by' })
  acceptor?: Relation<User> | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
