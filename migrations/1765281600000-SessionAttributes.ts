import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the stats need to know about a visit without reading its page views: its source (the
 * named site or campaign it came from, "Google", "Newsletter"…), the full referrer
 * (without query string, as page views keep it), every campaign field, the browser, OS, device and
 * screen width of the visit's first hit, and the visitor's country. Sessions that exist already
 * take them from their first page view (source and country stay
 * unknown: they were never stored).
 */
/**
 * Wider session rows make PostgreSQL guess fewer rows in a never-analyzed `sessions` (a new
 * installation's first minutes), and a plan made then scans the whole primary key once and keeps
 * it in a Materialize node to join the batch against, reading every session for every batch
 * once the table has grown. With materializing priced out too, the counter triggers keep the
 * nested loop that looks each session up by its key (see TriggerJoinPlans).
 */
const COUNTER_TRIGGERS = [
  'trackveil_sessions_after_insert()',
  'trackveil_page_views_after_insert()',
  'trackveil_events_after_insert()',
];

export class SessionAttributes1765281600000 implements MigrationInterface {
  name = 'SessionAttributes1765281600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sessions"
         ADD "source" character varying(256),
         ADD "referrer" character varying(2048),
         ADD "utm_term" character varying(256),
         ADD "utm_content" character varying(256),
         ADD "browser" character varying(64),
         ADD "browser_version" character varying(64),
         ADD "os" character varying(64),
         ADD "os_version" character varying(64),
         ADD "device_type" character varying(16),
         ADD "screen_width" integer,
         ADD "country" character(2),
         ADD CONSTRAINT "CHK_sessions_country" CHECK (country ~ '^[A-Z]{2}$')`,
    );
    await queryRunner.query(
      `UPDATE sessions s
          SET referrer = CASE WHEN s.referrer_host IS NOT NULL THEN f.referrer END,
              utm_term = f.utm_term, utm_content = f.utm_content,
              browser = f.browser, browser_version = f.browser_version,
              os = f.os, os_version = f.os_version, device_type = f.device_type,
              screen_width = f.screen_width
         FROM (SELECT DISTINCT ON (session_id) session_id, referrer, utm_term, utm_content, browser,
                      browser_version, os, os_version, device_type, screen_width
                 FROM page_views ORDER BY session_id, created_at) f
        WHERE s.id = f.session_id`,
    );
    for (const fn of COUNTER_TRIGGERS) {
      await queryRunner.query(`ALTER FUNCTION ${fn} SET enable_material = off`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const fn of COUNTER_TRIGGERS) {
      await queryRunner.query(`ALTER FUNCTION ${fn} RESET enable_material`);
    }
    await queryRunner.query(
      `ALTER TABLE "sessions" DROP CONSTRAINT "CHK_sessions_country",
         DROP COLUMN "country", DROP COLUMN "screen_width", DROP COLUMN "device_type",
         DROP COLUMN "os_version", DROP COLUMN "os", DROP COLUMN "browser_version",
         DROP COLUMN "browser", DROP COLUMN "utm_content", DROP COLUMN "utm_term",
         DROP COLUMN "referrer", DROP COLUMN "source"`,
    );
  }
}
