import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups of closed weeks and months (see `src/stats/rollups/rollup-spans.ts`), merged from the
 * day rollups. Added empty: the rollup job builds them once their days are settled, and until
 * then the stats read the days.
 */
const UP = [
  `CREATE TABLE "stats_spans" ("site_id" uuid NOT NULL, "kind" character varying(8) NOT NULL, "start" date NOT NULL, "visitors" integer NOT NULL, "visitors_sketch" bytea NOT NULL, "pageviews" integer NOT NULL, "visits" integer NOT NULL, "bounces" integer NOT NULL, "visit_pageviews" integer NOT NULL, "duration" double precision NOT NULL, "events" integer NOT NULL, CONSTRAINT "PK_stats_spans" PRIMARY KEY ("site_id", "kind", "start"))`,
  `CREATE TABLE "stats_span_values" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "site_id" uuid NOT NULL, "kind" character varying(8) NOT NULL, "start" date NOT NULL, "dimension" character varying(32) NOT NULL, "value" text, "parent" text, "visitors" integer NOT NULL, "visitors_sketch" bytea NOT NULL, "pageviews" integer NOT NULL, "visits" integer NOT NULL, "bounces" integer NOT NULL, "visit_pageviews" integer NOT NULL, "duration" double precision NOT NULL, "events" integer NOT NULL, CONSTRAINT "PK_stats_span_values" PRIMARY KEY ("id"))`,
  `CREATE INDEX "IDX_stats_span_values_site_id_dimension_kind_start" ON "stats_span_values" ("site_id", "dimension", "kind", "start")`,
  `ALTER TABLE "stats_spans" ADD CONSTRAINT "FK_stats_spans_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "stats_span_values" ADD CONSTRAINT "FK_stats_span_values_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

const DOWN = [`DROP TABLE "stats_span_values"`, `DROP TABLE "stats_spans"`];

export class StatsSpans1765886400000 implements MigrationInterface {
  name = 'StatsSpans1765886400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
