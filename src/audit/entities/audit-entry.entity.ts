import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'shared_link', 'anonymous'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/**
 * One row of the audit log. No foreign keys: the log outlives the users, keys, sites and accounts
 * it names (a deleted user's sign-ins stay readable by id), and a key check on every write would
 * cost each batch a lookup per row. Written only by `AuditService`, in batches.
 */
@Entity('audit_log')
@Index('IDX_audit_log_account_id_occurred_at', ['accountId', 'occurredAt', 'id'])
@Index('IDX_audit_log_occurred_at', ['occurredAt'])
@Index('IDX_audit_log_actor_user_id_occurred_at', ['actorUserId', 'occurredAt', 'id'], {
  where: 'account_id IS NULL',
})
@Index('IDX_audit_log_target_user_occurred_at', ['targetId', 'occurredAt', 'id'], {
  where: "account_id IS NULL AND target_type = 'user'",
})
@Check('CHK_audit_log_actor_type', "actor_type IN ('user', 'api_key', 'shared_link', 'anonymous')")
export class AuditEntry {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'PK_audit_log',
  })
  id!: string;

  /** When `AuditService.record()` was called, not when the batch reached the database. */
  @Column({ type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 16 })
  actorType!: AuditActorType;

  @Column({ type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorKeyId!: string | null;

  /** Null for what belongs to a person rather than an account: sign-ins, password changes. */
  @Column({ type: 'uuid', nullable: true })
  accountId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  siteId!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  targetType!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  /** The client's address with its host part dropped (`anonymizeIp`). */
  @Column({ type: 'varchar', length: 45, nullable: true })
  clientAddress!: string | null;
}
