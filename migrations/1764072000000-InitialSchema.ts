import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Generated from the entities by `npm run migration:generate`, then the triggers were added. */
const TABLES_UP = [
  `CREATE TABLE "accounts" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "name" character varying(200) NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_accounts_name_length" CHECK (char_length(name) BETWEEN 1 AND 200),
      CONSTRAINT "PK_accounts" PRIMARY KEY ("id")
    )`,
  `CREATE TABLE "sites" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "account_id" uuid NOT NULL,
      "name" character varying(200) NOT NULL,
      "domain" character varying(253) NOT NULL,
      "allowed_domains" text array NOT NULL DEFAULT '{}',
      "fingerprint_salt" bytea NOT NULL,
      "is_active" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_sites_allowed_domains_count" CHECK (cardinality(allowed_domains) <= 100),
      CONSTRAINT "CHK_sites_fingerprint_salt_length" CHECK (octet_length(fingerprint_salt) = 32),
      CONSTRAINT "CHK_sites_domain_length" CHECK (char_length(domain) BETWEEN 1 AND 253),
      CONSTRAINT "CHK_sites_name_length" CHECK (char_length(name) BETWEEN 1 AND 200),
      CONSTRAINT "PK_sites" PRIMARY KEY ("id")
    )`,
  `CREATE INDEX "IDX_sites_account_id" ON "sites"("account_id")`,
  `CREATE TABLE "visitors" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "site_id" uuid NOT NULL,
      "fingerprint_hash" character(64) NOT NULL,
      "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "total_visits" integer NOT NULL DEFAULT '0',
      "total_page_views" integer NOT NULL DEFAULT '0',
      "last_session_id" uuid,
      CONSTRAINT "CHK_visitors_totals" CHECK (total_visits >= 0 AND total_page_views >= 0),
      CONSTRAINT "CHK_visitors_seen_order" CHECK (last_seen_at >= first_seen_at),
      CONSTRAINT "CHK_visitors_fingerprint_hash" CHECK (fingerprint_hash ~ '^[0-9a-f]{64}$'),
      CONSTRAINT "PK_visitors" PRIMARY KEY ("id")
    )`,
  `CREATE INDEX "IDX_visitors_site_id_first_seen_at" ON "visitors"("site_id", "first_seen_at")`,
  `CREATE UNIQUE INDEX "UQ_visitors_site_id_fingerprint_hash" ON "visitors"("site_id", "fingerprint_hash")`,
  `CREATE TABLE "sessions" (
      "id" uuid NOT NULL,
      "site_id" uuid NOT NULL,
      "visitor_id" uuid NOT NULL,
      "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "last_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "page_view_count" integer NOT NULL DEFAULT '0',
      "entry_path" character varying(2048) NOT NULL,
      "exit_path" character varying(2048) NOT NULL,
      "referrer_host" character varying(253),
      "utm_source" character varying(256),
      "utm_medium" character varying(256),
      "utm_campaign" character varying(256),
      CONSTRAINT "CHK_sessions_page_view_count" CHECK (page_view_count >= 0),
      CONSTRAINT "CHK_sessions_activity_order" CHECK (last_activity_at >= started_at),
      CONSTRAINT "PK_sessions" PRIMARY KEY ("id")
    )`,
  `CREATE INDEX "IDX_sessions_site_id_started_at" ON "sessions"("site_id", "started_at")`,
  `CREATE INDEX "IDX_sessions_visitor_id_started_at" ON "sessions"("visitor_id", "started_at")`,
  `CREATE TABLE "page_views" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "site_id" uuid NOT NULL,
      "visitor_id" uuid NOT NULL,
      "session_id" uuid NOT NULL,
      "event_id" uuid,
      "url" character varying(2048) NOT NULL,
      "hostname" character varying(253) NOT NULL,
      "path" character varying(2048) NOT NULL,
      "title" character varying(512),
      "referrer" character varying(2048),
      "referrer_host" character varying(253),
      "utm_source" character varying(256),
      "utm_medium" character varying(256),
      "utm_campaign" character varying(256),
      "utm_term" character varying(256),
      "utm_content" character varying(256),
      "screen_width" integer,
      "screen_height" integer,
      "load_time_ms" integer,
      "browser" character varying(64),
      "browser_version" character varying(64),
      "os" character varying(64),
      "os_version" character varying(64),
      "device_type" character varying(16) NOT NULL,
      "ip_address" inet,
      CONSTRAINT "CHK_page_views_device_type" CHECK (device_type IN ('desktop', 'mobile', 'tablet', 'console', 'smarttv', 'wearable', 'embedded', 'xr')),
      CONSTRAINT "CHK_page_views_load_time_ms" CHECK (load_time_ms BETWEEN 0 AND 600000),
      CONSTRAINT "CHK_page_views_screen" CHECK (screen_width BETWEEN 0 AND 100000 AND screen_height BETWEEN 0 AND 100000),
      CONSTRAINT "PK_page_views" PRIMARY KEY ("id", "created_at")
    )`,
  `CREATE INDEX "IDX_page_views_visitor_id" ON "page_views"("visitor_id")`,
  `CREATE INDEX "IDX_page_views_session_id" ON "page_views"("session_id")`,
  `CREATE INDEX "IDX_page_views_site_id_created_at" ON "page_views"("site_id", "created_at")`,
  `CREATE TABLE "received_events" (
      "site_id" uuid NOT NULL,
      "event_id" uuid NOT NULL,
      "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "PK_received_events" PRIMARY KEY ("site_id", "event_id")
    )`,
  `CREATE TABLE "users" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "account_id" uuid NOT NULL,
      "email" character varying(320) NOT NULL,
      "name" character varying(200),
      "role" character varying(16) NOT NULL DEFAULT 'member',
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "CHK_users_role" CHECK (role IN ('owner', 'admin', 'member')),
      CONSTRAINT "CHK_users_email_format" CHECK (char_length(email) BETWEEN 3 AND 320 AND email = lower(email) AND position('@' in email) > 1),
      CONSTRAINT "PK_users" PRIMARY KEY ("id")
    )`,
  `CREATE INDEX "IDX_users_account_id" ON "users"("account_id")`,
  `CREATE UNIQUE INDEX "UQ_users_email" ON "users"("email")`,
  `ALTER TABLE "sites" ADD CONSTRAINT "FK_sites_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "visitors" ADD CONSTRAINT "FK_visitors_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "sessions" ADD CONSTRAINT "FK_sessions_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "visitors" ADD CONSTRAINT "FK_visitors_last_session_id" FOREIGN KEY ("last_session_id") REFERENCES "sessions"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
  `ALTER TABLE "sessions" ADD CONSTRAINT "FK_sessions_visitor_id" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "page_views" ADD CONSTRAINT "FK_page_views_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "page_views" ADD CONSTRAINT "FK_page_views_visitor_id" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "page_views" ADD CONSTRAINT "FK_page_views_session_id" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "received_events" ADD CONSTRAINT "FK_received_events_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "users" ADD CONSTRAINT "FK_users_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

const TABLES_DOWN = [
  `ALTER TABLE "users" DROP CONSTRAINT "FK_users_account_id"`,
  `ALTER TABLE "received_events" DROP CONSTRAINT "FK_received_events_site_id"`,
  `ALTER TABLE "page_views" DROP CONSTRAINT "FK_page_views_session_id"`,
  `ALTER TABLE "page_views" DROP CONSTRAINT "FK_page_views_visitor_id"`,
  `ALTER TABLE "page_views" DROP CONSTRAINT "FK_page_views_site_id"`,
  `ALTER TABLE "sessions" DROP CONSTRAINT "FK_sessions_visitor_id"`,
  `ALTER TABLE "sessions" DROP CONSTRAINT "FK_sessions_site_id"`,
  `ALTER TABLE "visitors" DROP CONSTRAINT "FK_visitors_last_session_id"`,
  `ALTER TABLE "visitors" DROP CONSTRAINT "FK_visitors_site_id"`,
  `ALTER TABLE "sites" DROP CONSTRAINT "FK_sites_account_id"`,
  `DROP INDEX "public"."UQ_users_email"`,
  `DROP INDEX "public"."IDX_users_account_id"`,
  `DROP TABLE "users"`,
  `DROP TABLE "received_events"`,
  `DROP INDEX "public"."IDX_page_views_site_id_created_at"`,
  `DROP INDEX "public"."IDX_page_views_session_id"`,
  `DROP INDEX "public"."IDX_page_views_visitor_id"`,
  `DROP TABLE "page_views"`,
  `DROP INDEX "public"."IDX_sessions_visitor_id_started_at"`,
  `DROP INDEX "public"."IDX_sessions_site_id_started_at"`,
  `DROP TABLE "sessions"`,
  `DROP INDEX "public"."UQ_visitors_site_id_fingerprint_hash"`,
  `DROP INDEX "public"."IDX_visitors_site_id_first_seen_at"`,
  `DROP TABLE "visitors"`,
  `DROP INDEX "public"."IDX_sites_account_id"`,
  `DROP TABLE "sites"`,
  `DROP TABLE "accounts"`,
];

/**
 * Counters kept by the database, set-based: one statement-level trigger run per INSERT statement
 * (a whole ingestion batch), reading the inserted rows from a transition table.
 */
const TRIGGERS_UP = [
  `CREATE FUNCTION trackveil_sessions_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE visitors v
         SET total_visits = v.total_visits + n.sessions,
             last_session_id = n.latest_session_id
        FROM (SELECT visitor_id, count(*)::int AS sessions,
                     (array_agg(id ORDER BY started_at DESC))[1] AS latest_session_id
                FROM new_sessions GROUP BY visitor_id) n
       WHERE v.id = n.visitor_id;
      RETURN NULL;
    END
  $$`,
  `CREATE TRIGGER sessions_after_insert AFTER INSERT ON "sessions"
     REFERENCING NEW TABLE AS new_sessions
     FOR EACH STATEMENT EXECUTE FUNCTION trackveil_sessions_after_insert()`,
  `CREATE FUNCTION trackveil_page_views_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE sessions s
         SET page_view_count = s.page_view_count + n.views,
             exit_path = CASE WHEN n.last_at >= s.last_activity_at THEN n.last_path ELSE s.exit_path END,
             last_activity_at = GREATEST(s.last_activity_at, n.last_at)
        FROM (SELECT session_id, count(*)::int AS views, max(created_at) AS last_at,
                     (array_agg(path ORDER BY created_at DESC))[1] AS last_path
                FROM new_page_views GROUP BY session_id) n
       WHERE s.id = n.session_id;
      UPDATE visitors v
         SET total_page_views = v.total_page_views + n.views,
             last_seen_at = GREATEST(v.last_seen_at, n.last_at)
        FROM (SELECT visitor_id, count(*)::int AS views, max(created_at) AS last_at
                FROM new_page_views GROUP BY visitor_id) n
       WHERE v.id = n.visitor_id;
      RETURN NULL;
    END
  $$`,
  `CREATE TRIGGER page_views_after_insert AFTER INSERT ON "page_views"
     REFERENCING NEW TABLE AS new_page_views
     FOR EACH STATEMENT EXECUTE FUNCTION trackveil_page_views_after_insert()`,
];

const TRIGGERS_DOWN = [
  `DROP TRIGGER page_views_after_insert ON "page_views"`,
  `DROP FUNCTION trackveil_page_views_after_insert()`,
  `DROP TRIGGER sessions_after_insert ON "sessions"`,
  `DROP FUNCTION trackveil_sessions_after_insert()`,
];

export class InitialSchema1764072000000 implements MigrationInterface {
  name = 'InitialSchema1764072000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [...TABLES_UP, ...TRIGGERS_UP]) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [...TRIGGERS_DOWN, ...TABLES_DOWN]) await queryRunner.query(sql);
  }
}
