import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shared links: a read-only link to one site's dashboard, optionally with a password. Only the
 * SHA-256 of the link's token is stored (as for API keys), and the password as an argon2id hash.
 * A link acts in the audit log as `shared_link`, its id in `actor_key_id` (the column of the
 * non-person actor).
 */
const UP = [
  `CREATE TABLE "shared_links" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "site_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "token_hash" bytea NOT NULL, "password_hash" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_shared_links" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "UQ_shared_links_token_hash" ON "shared_links" ("token_hash")`,
  `CREATE INDEX "IDX_shared_links_site_id" ON "shared_links" ("site_id")`,
  `ALTER TABLE "shared_links" ADD CONSTRAINT "FK_shared_links_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "shared_links" ADD CONSTRAINT "FK_shared_links_created_by" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
  `ALTER TABLE "audit_log" DROP CONSTRAINT "CHK_audit_log_actor_type"`,
  `ALTER TABLE "audit_log" ADD CONSTRAINT "CHK_audit_log_actor_type" CHECK (actor_type IN ('user', 'api_key', 'shared_link', 'anonymous'))`,
];

const DOWN = [
  `DELETE FROM "audit_log" WHERE actor_type = 'shared_link'`,
  `ALTER TABLE "audit_log" DROP CONSTRAINT "CHK_audit_log_actor_type"`,
  `ALTER TABLE "audit_log" ADD CONSTRAINT "CHK_audit_log_actor_type" CHECK (actor_type IN ('user', 'api_key', 'anonymous'))`,
  `DROP TABLE "shared_links"`,
];

export class SharedLinks1765800000000 implements MigrationInterface {
  name = 'SharedLinks1765800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
