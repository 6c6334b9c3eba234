import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Goals of a site (`src/goals`): a custom event name or a page path pattern, exactly one of the
 * two, each at most once per site. They go with their site. A pattern is at most 2048 bytes as
 * well as characters, so that its entry in `UQ_goals_site_id_page_path` always fits a btree page. The unique indexes lead with
 * `site_id`, so no separate index is needed to find a site's goals or to cascade a site's delete.
 */
const UP = [
  `CREATE TABLE "goals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "site_id" uuid NOT NULL, "event_name" character varying(120), "page_path" character varying(2048), "display_name" character varying(120), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_goals_one_kind" CHECK ((event_name IS NULL) <> (page_path IS NULL)), CONSTRAINT "CHK_goals_event_name_length" CHECK (char_length(event_name) BETWEEN 1 AND 120), CONSTRAINT "CHK_goals_page_path" CHECK (left(page_path, 1) = '/' AND octet_length(page_path) <= 2048), CONSTRAINT "CHK_goals_display_name_length" CHECK (char_length(display_name) BETWEEN 1 AND 120), CONSTRAINT "PK_goals" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "UQ_goals_site_id_event_name" ON "goals" ("site_id", "event_name")`,
  `CREATE UNIQUE INDEX "UQ_goals_site_id_page_path" ON "goals" ("site_id", "page_path")`,
  `ALTER TABLE "goals" ADD CONSTRAINT "FK_goals_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

export class Goals1765368000000 implements MigrationInterface {
  name = 'Goals1765368000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "goals"`);
  }
}
