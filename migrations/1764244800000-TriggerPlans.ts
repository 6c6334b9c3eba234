import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The counter triggers update the few visitor and session rows of a batch, found by primary key.
 * Their plans are made once per connection, from statistics that lag behind a new or fast-growing
 * table (before autovacuum's first ANALYZE, `visitors` and `sessions` look empty), and the planner
 * then chose to read the whole table for every batch: with 20,000 visitors that was most of
 * PostgreSQL's work per event. With sequential scans priced out inside these functions the rows
 * are always reached through their indexes.
 */
const FUNCTIONS = [
  'trackveil_sessions_after_insert()',
  'trackveil_page_views_after_insert()',
  'trackveil_events_after_insert()',
];

export class TriggerPlans1764244800000 implements MigrationInterface {
  name = 'TriggerPlans1764244800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) {
      await queryRunner.query(`ALTER FUNCTION ${fn} SET enable_seqscan = off`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) {
      await queryRunner.query(`ALTER FUNCTION ${fn} RESET enable_seqscan`);
    }
  }
}
