import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sites API: a site's time zone (IANA, checked by the API), and `deleted_at`, which marks a
 * site being deleted while its traffic is removed in the background (`SitePurger`).
 *
 * `IDX_visitors_last_session_id`: deleting a session sets `visitors.last_session_id` to null
 * wherever it names that session (`FK_visitors_last_session_id`, ON DELETE SET NULL). PostgreSQL
 * runs that as one UPDATE per deleted session, and without an index each is a scan of every
 * visitor of every site: deleting a site with 100,000 sessions would read the whole visitors table
 * 100,000 times. The other foreign keys the purge walks (`*_site_id`, `*_visitor_id`,
 * `*_session_id`) are indexed already.
 *
 * The installation check needs no new index: `min`/`max(created_at)` per site are answered from
 * the ends of `IDX_page_views_site_id_created_at` and `IDX_events_site_id_created_at`.
 *
 * On a large database the index build blocks writes to `visitors` for as long as it takes
 * (ingestion waits); run this migration in a quiet moment.
 */
const UP = [
  `ALTER TABLE "sites" ADD "timezone" character varying(64) NOT NULL DEFAULT 'UTC'`,
  `ALTER TABLE "sites" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`,
  `ALTER TABLE "sites" ADD CONSTRAINT "CHK_sites_timezone_length" CHECK (char_length(timezone) BETWEEN 1 AND 64)`,
  `CREATE INDEX "IDX_visitors_last_session_id" ON "visitors"("last_session_id")`,
];

const DOWN = [
  `DROP INDEX "public"."IDX_visitors_last_session_id"`,
  `ALTER TABLE "sites" DROP CONSTRAINT "CHK_sites_timezone_length"`,
  `ALTER TABLE "sites" DROP COLUMN "deleted_at"`,
  `ALTER TABLE "sites" DROP COLUMN "timezone"`,
];

export class SitesApi1765022400000 implements MigrationInterface {
  name = 'SitesApi1765022400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
