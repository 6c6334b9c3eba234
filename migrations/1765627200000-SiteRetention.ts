import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-site data retention: `retention_months` is how many calendar months of raw traffic
 * (page views, custom events, visits, visitors) `RetentionJob` keeps; null keeps it for ever.
 * No index is needed: the job reads every site once a run, and deletes through the existing
 * `(site_id, created_at)` and `(site_id, started_at)` indexes.
 */
const UP = [
  `ALTER TABLE "sites" ADD "retention_months" integer`,
  `ALTER TABLE "sites" ADD CONSTRAINT "CHK_sites_retention_months" CHECK (retention_months BETWEEN 1 AND 1200)`,
];

const DOWN = [
  `ALTER TABLE "sites" DROP CONSTRAINT "CHK_sites_retention_months"`,
  `ALTER TABLE "sites" DROP COLUMN "retention_months"`,
];

export class SiteRetention1765627200000 implements MigrationInterface {
  name = 'SiteRetention1765627200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of UP) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DOWN) await queryRunner.query(sql);
  }
}
