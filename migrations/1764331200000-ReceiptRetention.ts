import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receipts of `event_id`s are kept for `EVENT_ID_RETENTION_DAYS`, then pruned. They arrive in time
 * order, so a BRIN index on `received_at` finds the old ones for a few bytes per thousand rows
 * and next to no work per insert (a B-tree would cost a third index entry per event).
 */
export class ReceiptRetention1764331200000 implements MigrationInterface {
  name = 'ReceiptRetention1764331200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_received_events_received_at" ON "received_events" USING brin ("received_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_received_events_received_at"`);
  }
}
