import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A site's days as columns of codes (see `src/stats/columns/day-columns.ts`), for the
 * breakdowns no rollup answers. Added empty: the rollup job writes them for the days it
 * recomputes and fills in the rest, and until a period's days all have theirs, those
 * breakdowns read the raw rows. Stored uncompressed (`EXTERNAL`): read whole and often, they
 * would be decompressed at every read.
 */
const UP = [
  `CREATE TABLE "stats_day_columns" ("site_id" uuid NOT NULL, "day" date NOT NULL, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "format" smallint NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_stats_day_columns" PRIMARY KEY ("site_id", "day"))`,
  `ALTER TABLE "stats_day_columns" ALTER COLUMN "data" SET STORAGE EXTERNAL`,
  `ALTER TABLE "stats_day_columns" ADD CONSTRAINT "FK_stats_day_columns_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

const DOWN = [`DROP TABLE "stats_day_columns"`];

export class StatsDayColumns1765972800000 implements MigrationInterface {
  name = 'StatsDayColumns1765972800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
