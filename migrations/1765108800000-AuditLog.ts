import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (`audit_log`): who did what, to which account and site, and when. No foreign
 * keys: rows outlive the users, keys and sites they name, and the batched writes skip the checks.
 * Indexes serve an owner's read (newest first within an account), a person's own account-less
 * entries (sign-ins, password changes, as actor or as the user a failed sign-in aimed at), and the
 * daily retention delete.
 */
export class AuditLog1765108800000 implements MigrationInterface {
  name = 'AuditLog1765108800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "action" character varying(64) NOT NULL, "actor_type" character varying(16) NOT NULL, "actor_user_id" uuid, "actor_key_id" uuid, "account_id" uuid, "site_id" uuid, "target_type" character varying(32), "target_id" character varying(64), "details" jsonb NOT NULL DEFAULT '{}', "client_address" character varying(45), CONSTRAINT "CHK_audit_log_actor_type" CHECK (actor_type IN ('user', 'api_key', 'anonymous')), CONSTRAINT "PK_audit_log" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_log_account_id_occurred_at" ON "audit_log" ("account_id", "occurred_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_log_actor_user_id_occurred_at" ON "audit_log" ("actor_user_id", "occurred_at", "id") WHERE account_id IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_log_target_user_occurred_at" ON "audit_log" ("target_id", "occurred_at", "id") WHERE account_id IS NULL AND target_type = 'user'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_log_occurred_at" ON "audit_log" ("occurred_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
