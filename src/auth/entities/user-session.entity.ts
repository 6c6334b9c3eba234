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
 * A sign-in: what the session cookie names. Not the visitor `sessions` of the tracked sites. The
 * cookie holds a random token; only its SHA-256 is stored, so a copy of this table signs nobody in.
 */
@Entity('user_sessions')
@Index('UQ_user_sessions_token_hash', ['tokenHash'], { unique: true })
@Index('IDX_user_sessions_user_id', ['userId'])
@Index('IDX_user_sessions_expires_at', ['expiresAt'])
export class UserSession {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_user_sessions' })
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_sessions_user_id' })
  user?: Relation<User>;

  @Column({ type: 'bytea', select: false })
  tokenHash!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt!: Date;

  /** Moves forward with use (sliding), never past `createdAt` + `AUTH_SESSION_MAX_DAYS`. */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  /** The browser that signed in, as its User-Agent said (cut to 300 characters), for "your sessions". */
  @Column({ type: 'varchar', length: 300, nullable: true })
  userAgent!: string | null;

  /** The client's address with its host part dropped (as for visitors). */
  @Column({ type: 'varchar', length: 45, nullable: true })
  clientAddress!: string | null;
}
