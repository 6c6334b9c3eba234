import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { Membership } from './membership.entity.js';

/** A person; the accounts they may reach, and their role in each, are their memberships. */
@Entity('users')
@Index('UQ_users_email', ['email'], { unique: true })
@Check(
  'CHK_users_email_format',
  "char_length(email) BETWEEN 3 AND 320 AND email = lower(email) AND position('@' in email) > 1",
)
export class User {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_users' })
  id!: string;

  /** Stored lower-cased; unique across Trackveil. */
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  /**
   * An argon2id PHC string; null for a user who has not set a password yet (an owner the CLI
   * named with `sites create --owner-email`). Not selected unless asked for, so it cannot leak
   * through a query that did not mean to read it.
   */
  @Column({ type: 'text', nullable: true, select: false })
  passwordHash!: string | null;

  @OneToMany(() => Membership, (membership) => membership.user)
  memberships?: Relation<Membership[]>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
