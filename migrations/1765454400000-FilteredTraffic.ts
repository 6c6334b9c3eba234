import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Filtered traffic (`filtered_traffic`): per site, UTC hour and reason, how many `/track` requests
 * were ignored or refused. One row per site, hour and reason that saw any, so at most a few
 * thousand rows per site and month; the primary key serves the upsert, a site's read by time and
 * the site purge. Rows arrive in hour order, so a BRIN index on `hour` finds the expired ones for
 * the daily retention delete at a few bytes per thousand rows.
 */
export class FilteredTraffic1765454400000 implements MigrationInterface {
  name = 'FilteredTraffic1765454400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "filtered_traffic" ("site_id" uuid NOT NULL, "hour" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" character varying(32) NOT NULL, "count" bigint NOT NULL, CONSTRAINT "PK_filtered_traffic" PRIMARY KEY ("site_id", "hour", "reason"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "filtered_traffic" ADD CONSTRAINT "FK_filtered_traffic_site_id" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_filtered_traffic_hour" ON "filtered_traffic" USING brin ("hour")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "filtered_traffic"`);
  }
}
