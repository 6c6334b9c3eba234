import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user may belong to several accounts, with one role in each: `users.account_id` and
 * `users.role` become rows of `memberships` (the old `member` role is now `viewer`), and users get
 * a password hash (null until they set one: the owners `sites create --owner-email` made have none).
 */
const UP = [
  `CREATE TABLE "memberships" (
      "account_id" uuid NOT NULL,
      "user_id" uuid NOT NULL,
      "role" character varying(16) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_memberships_role" CHECK (role IN ('owner', 'admin', 'viewer')),
      CONSTRAINT "PK_memberships" PRIMARY KEY ("account_id", "user_id")
    )`,
  `CREATE INDEX "IDX_memberships_user_id" ON "memberships"("user_id")`,
  `ALTER TABLE "memberships" ADD CONSTRAINT "FK_memberships_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "memberships" ADD CONSTRAINT "FK_memberships_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `INSERT INTO "memberships" ("account_id", "user_id", "role", "created_at")
   SELECT "account_id", "id", CASE "role" WHEN 'member' THEN 'viewer' ELSE "role" END, "created_at"
     FROM "users"`,
  `ALTER TABLE "users" DROP CONSTRAINT "FK_users_account_id"`,
  `DROP INDEX "public"."IDX_users_account_id"`,
  `ALTER TABLE "users" DROP CONSTRAINT "CHK_users_role"`,
  `ALTER TABLE "users" DROP COLUMN "role", DROP COLUMN "account_id"`,
  `ALTER TABLE "users" ADD "password_hash" text`,
];

/**
 * A user keeps the account of their first membership (and its role, `viewer` back to `member`);
 * their other memberships are lost, as the old schema has no place for them.
 */
const DOWN_BEFORE_CHECK = [
  `ALTER TABLE "users" DROP COLUMN "password_hash"`,
  `ALTER TABLE "users" ADD "account_id" uuid, ADD "role" character varying(16) NOT NULL DEFAULT 'member'`,
  `UPDATE "users" u
      SET "account_id" = m."account_id",
          "role" = CASE m."role" WHEN 'viewer' THEN 'member' ELSE m."role" END
     FROM (SELECT DISTINCT ON ("user_id") "user_id", "account_id", "role"
             FROM "memberships" ORDER BY "user_id", "created_at", "account_id") m
    WHERE m."user_id" = u."id"`,
];

const DOWN_AFTER_CHECK = [
  `ALTER TABLE "users" ALTER COLUMN "account_id" SET NOT NULL`,
  `ALTER TABLE "users" ADD CONSTRAINT "CHK_users_role" CHECK (role IN ('owner', 'admin', 'member'))`,
  `CREATE INDEX "IDX_users_account_id" ON "users"("account_id")`,
  `ALTER TABLE "users" ADD CONSTRAINT "FK_users_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "memberships" DROP CONSTRAINT "FK_memberships_user_id"`,
  `ALTER TABLE "memberships" DROP CONSTRAINT "FK_memberships_account_id"`,
  `DROP INDEX "public"."IDX_memberships_user_id"`,
  `DROP TABLE "memberships"`,
];

export class AccountMemberships1764676800000 implements MigrationInterface {
  name = 'AccountMemberships1764676800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN_BEFORE_CHECK) await queryRunner.query(sql);
    const orphans = (await queryRunner.query(
      'SELECT "email" FROM "users" WHERE "account_id" IS NULL ORDER BY "email" LIMIT 5',
    )) as { email: string }[];
    if (orphans.length > 0) {
      // Refused rather than deleting people: the old schema needs an account for every user.
      throw new Error(
        `Cannot revert AccountMemberships: some users belong to no account (${orphans
          .map((row) => row.email)
          .join(', ')}). Add each to an account or delete them, then revert again.`,
      );
    }
    for (const sql of DOWN_AFTER_CHECK) await queryRunner.query(sql);
  }
}
