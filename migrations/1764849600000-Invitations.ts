import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations to join an account: the link's token is kept only as its SHA-256; one pending
 * invitation per account and address (a partial unique index); an invitation ends with its
 * account, and outlives the users who sent or accepted it (their ids become null).
 */
export class Invitations1764849600000 implements MigrationInterface {
  name = 'Invitations1764849600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "invitations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "email" character varying(320) NOT NULL, "role" character varying(16) NOT NULL, "token_hash" bytea NOT NULL, "invited_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE, "accepted_by" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_invitations_email_format" CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 320), CONSTRAINT "CHK_invitations_role" CHECK (role IN ('owner', 'admin', 'viewer')), CONSTRAINT "PK_invitations" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_invitations_account_id" ON "invitations" ("account_id")`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_invitations_account_id_email_pending" ON "invitations" ("account_id", "email") WHERE accepted_at IS NULL AND revoked_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_invitations_token_hash" ON "invitations" ("token_hash")`,
    );
    await queryRunner.query(
      `ALTER TABLE "invitations" ADD CONSTRAINT "FK_invitations_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "invitations" ADD CONSTRAINT "FK_invitations_invited_by" FOREIGN KEY ("invited_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "invitations" ADD CONSTRAINT "FK_invitations_accepted_by" FOREIGN KEY ("accepted_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "invitations"`);
  }
}
