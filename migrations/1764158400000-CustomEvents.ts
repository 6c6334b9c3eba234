import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Custom events (`trackveil('Signup', { plan: 'pro' })`), generated from the entity, plus their trigger. */
const UP = [
  `CREATE TABLE "events" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "site_id" uuid NOT NULL,
      "visitor_id" uuid NOT NULL,
      "session_id" uuid NOT NULL,
      "event_id" uuid,
      "name" character varying(120) NOT NULL,
      "props" jsonb NOT NULL DEFAULT '{}',
      "url" character varying(2048) NOT NULL,
      "hostname" character varying(253) NOT NULL,
      "path" character varying(2048) NOT NULL,
      CONSTRAINT "CHK_events_props_object" CHECK (jsonb_typeof(props) = 'object'),
      CONSTRAINT "CHK_events_name_length" CHECK (char_length(name) BETWEEN 1 AND 120),
      CONSTRAINT "PK_events" PRIMARY KEY ("id", "created_at")
    )`,
  `CREATE INDEX "IDX_events_visitor_id" ON "events"("visitor_id")`,
  `CREATE INDEX "IDX_events_session_id" ON "events"("session_id")`,
  `CREATE INDEX "IDX_events_site_id_name_created_at" ON "events"("site_id", "name", "created_at")`,
  `CREATE INDEX "IDX_events_site_id_created_at" ON "events"("site_id", "created_at")`,
  `ALTER TABLE "events" ADD CONSTRAINT "FK_events_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "events" ADD CONSTRAINT "FK_events_visitor_id" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "events" ADD CONSTRAINT "FK_events_session_id" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  // An event is activity: it extends the session (and the visitor's last sighting, which is that
  // session's last activity), without counting as a page view.
  `CREATE FUNCTION trackveil_events_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE sessions s
         SET last_activity_at = n.last_at
        FROM (SELECT session_id, max(created_at) AS last_at FROM new_events GROUP BY session_id) n
       WHERE s.id = n.session_id AND n.last_at > s.last_activity_at;
      UPDATE visitors v
         SET last_seen_at = n.last_at
        FROM (SELECT visitor_id, max(created_at) AS last_at FROM new_events GROUP BY visitor_id) n
       WHERE v.id = n.visitor_id AND n.last_at > v.last_seen_at;
      RETURN NULL;
    END
  $$`,
  `CREATE TRIGGER events_after_insert AFTER INSERT ON "events"
     REFERENCING NEW TABLE AS new_events
     FOR EACH STATEMENT EXECUTE FUNCTION trackveil_events_after_insert()`,
];

const DOWN = [
  `DROP TRIGGER events_after_insert ON "events"`,
  `DROP FUNCTION trackveil_events_after_insert()`,
  `DROP TABLE "events"`,
];

export class CustomEvents1764158400000 implements MigrationInterface {
  name = 'CustomEvents1764158400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
