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
import { User } from '../../users/entities/user.entity.js';

/**
 * A one-time link to choose a new password (`…/reset-password#token=…`). The link's token is kept
 * only as its SHA-256, so a copy of this table resets nobody's password. A user has at most one
 * row: a new request replaces the older one, whose link then stops working.
 */
@Entity('password_resets')
@Index('UQ_password_resets_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_password_resets_user_id', ['userId'])
export class PasswordReset {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_password_resets' })
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_password_resets_user_id' })
  user?: Relation<User>;

  @Column({ type: 'bytea', select: false })
  tokenHash!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** One hour after the request. */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  /** When the link set a password; a used link never works again. */
  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
