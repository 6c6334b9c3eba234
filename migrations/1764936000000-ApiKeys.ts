import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys of an account (`Authorization: Bearer tvk_…`): only the SHA-256 of a key is kept,
 * unique so a request finds its key by one index probe. Keys go with their account; the member
 * who made one may leave without taking it along.
 */
export class ApiKeys1764936000000 implements MigrationInterface {
  name = 'ApiKeys1764936000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "scope" character varying(16) NOT NULL, "prefix" character varying(12) NOT NULL, "secret_hash" bytea NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_api_keys_scope" CHECK (scope IN ('stats:read', 'full')), CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_api_keys_account_id" ON "api_keys" ("account_id")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_api_keys_secret_hash" ON "api_keys" ("secret_hash")`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_api_keys_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_api_keys_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
