import { Injectable } from '@nestjs/common';
import type { StatementStep } from '../database/prepared-statement.js';

/** The step `VisitorsService.getOrCreate` adds to an ingestion statement. */
export const LOCKED_VISITORS = 'visitors_locked';

@Injectable()
export class VisitorsService {
  /**
   * The step that gets or creates the visitor of every row of `sightings` (a relation with
   * `site_id`, `fingerprint_hash` and `created_at`), one per site and hash whatever the number of
   * sightings, and yields them as `visitors_locked (id, site_id, fingerprint_hash,
   * last_session_id, last_seen_at)`: each with its latest session and that session's last
   * activity, or a null session for a visitor created here.
   *
   * Every row it yields stays locked until the transaction ends, so concurrent batches for the
   * same visitor take turns choosing its session; rows are locked in key order, so two batches
   * cannot deadlock on each other's visitors. `ON CONFLICT DO UPDATE` works on the latest
   * committed version of a row (after waiting for a concurrent writer), so the latest session
   * it yields is current even when another replica has just started one; a race of first hits
   * makes one visitor, never two.
   */
  getOrCreate(sightings: string): StatementStep {
    return {
      name: LOCKED_VISITORS,
      sql: `
        INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
        SELECT site_id, fingerprint_hash, min(created_at), min(created_at)
          FROM ${sightings}
         GROUP BY site_id, fingerprint_hash
         ORDER BY site_id, fingerprint_hash
        ON CONFLICT (site_id, fingerprint_hash) DO UPDATE SET last_seen_at = visitors.last_seen_at
        RETURNING id, site_id, fingerprint_hash, last_session_id, last_seen_at`,
    };
  }
}
