import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * With sequential scans priced out (TriggerPlans), a plan made while `visitors` or `sessions` was
 * small could still join the batch's rows to the whole table: a merge join over a full scan of
 * its primary key, reading every row for every batch. The counter triggers update a few rows per
 * event, so the only join that fits them at every table size is a nested loop that looks each
 * row up by its key: the other joins are priced out inside these functions too.
 */
const FUNCTIONS = [
  'trackveil_sessions_after_insert()',
  'trackveil_page_views_after_insert()',
  'trackveil_events_after_insert()',
];
const SETTINGS = ['enable_mergejoin', 'enable_hashjoin'];

export class TriggerJoinPlans1764417600000 implements MigrationInterface {
  name = 'TriggerJoinPlans1764417600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) {
      for (const setting of SETTINGS) {
        await queryRunner.query(`ALTER FUNCTION ${fn} SET ${setting} = off`);
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) {
      for (const setting of SETTINGS) {
        await queryRunner.query(`ALTER FUNCTION ${fn} RESET ${setting}`);
      }
    }
  }
}
