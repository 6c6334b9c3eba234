import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups of the stats, per site and local day (see `src/stats/rollups/`): day totals, hour
 * totals and breakdown rows per dimension value, each with a HyperLogLog sketch of its visitors.
 * They are derived from the raw tables and recomputed whole days at a time, so the migration
 * adds them empty: the rollup job fills them in the background, and until a day is filled the
 * stats read it from the raw tables.
 */
const UP = [
  `CREATE TABLE "stats_days" ("site_id" uuid NOT NULL, "day" date NOT NULL, "visitors" integer NOT NULL, "visitors_sketch" bytea NOT NULL, "pageviews" integer NOT NULL, "visits" integer NOT NULL, "bounces" integer NOT NULL, "visit_pageviews" integer NOT NULL, "duration" double precision NOT NULL, "events" integer NOT NULL, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_stats_days" PRIMARY KEY ("site_id", "day"))`,
  `CREATE TABLE "stats_day_values" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "site_id" uuid NOT NULL, "day" date NOT NULL, "dimension" character varying(32) NOT NULL, "value" text, "parent" text, "visitors" integer NOT NULL, "visitors_sketch" bytea NOT NULL, "pageviews" integer NOT NULL, "visits" integer NOT NULL, "bounces" integer NOT NULL, "visit_pageviews" integer NOT NULL, "duration" double precision NOT NULL, "events" integer NOT NULL, CONSTRAINT "PK_stats_day_values" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_stats_day_values_site_id_dimension_day" ON "stats_day_values" ("site_id", "dimension", "day")`,
  `CREATE TABLE "stats_hours" ("site_id" uuid NOT NULL, "hour" TIMESTAMP NOT NULL, "visitors" integer NOT NULL, "visitors_sketch" bytea NOT NULL, "pageviews" integer NOT NULL, "visits" integer NOT NULL, "bounces" integer NOT NULL, "visit_pageviews" integer NOT NULL, "duration" double precision NOT NULL, CONSTRAINT "PK_stats_hours" PRIMARY KEY ("site_id", "hour"))`,
  `ALTER TABLE "sites" ADD "stats_rebuild_started_at" TIMESTAMP WITH TIME ZONE`,
  `ALTER TABLE "stats_days" ADD CONSTRAINT "FK_stats_days_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "stats_day_values" ADD CONSTRAINT "FK_stats_day_values_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "stats_hours" ADD CONSTRAINT "FK_stats_hours_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

const DOWN = [
  `DROP TABLE "stats_hours"`,
  `DROP TABLE "stats_day_values"`,
  `DROP TABLE "stats_days"`,
  `ALTER TABLE "sites" DROP COLUMN "stats_rebuild_started_at"`,
];

export class StatsRollups1765713600000 implements MigrationInterface {
  name = 'StatsRollups1765713600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
