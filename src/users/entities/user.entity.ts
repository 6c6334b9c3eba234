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

export const USER_ROLES = ['owner', 'admin', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A person with access to an account. Authentication arrives with the dashboard. */
@Entity('users')
@Index('UQ_users_email', ['email'], { unique: true })
@Index('IDX_users_account_id', ['accountId'])
@Check(
  'CHK_users_email_format',
  "char_length(email) BETWEEN 3 AND 320 AND email = lower(email) AND position('@' in email) > 1",
)
@Check('CHK_users_role', "role IN ('owner', 'admin', 'member')")
export class User {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_users' })
  id!: string;

  @Column({ type: 'uuid' })
  accountId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_users_account_id' })
  account?: Relation<Account>;

  /** Stored lower-cased; unique across Trackveil. */
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'member' })
  role!: UserRole;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
