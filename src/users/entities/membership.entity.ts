import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Account } from '../../accounts/entities/account.entity.js';
import { User } from './user.entity.js';

export const MEMBERSHIP_ROLES = ['owner', 'admin', 'viewer'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** A user's place in one account: `owner`, `admin` (sites, keys, members) or `viewer` (stats). */
@Entity('memberships')
@Index('IDX_memberships_user_id', ['userId'])
@Check('CHK_memberships_role', "role IN ('owner', 'admin', 'viewer')")
export class Membership {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_memberships' })
  accountId!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_memberships' })
  userId!: string;

  @ManyToOne(() => Account, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'account_id', foreignKeyConstraintName: 'FK_memberships_account_id' })
  account?: Relation<Account>;

  @ManyToOne(() => User, (user) => user.memberships, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_memberships_user_id' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 16 })
  role!: MembershipRole;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
