import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type PreparedStatement, queryPrepared } from '../database/prepared-statement.js';

export interface VisitorSighting {
  siteId: string;
  fingerprintHash: string;
  seenAt: Date;
}

/** A visitor as the current transaction holds it: locked, with its latest session. */
export interface LockedVisitor {
  id: string;
  /** Null for a visitor created by this transaction. */
  lastSessionId: string | null;
  /** The last activity of `lastSessionId`. */
  lastSeenAt: Date;
}

/** `siteId` and `fingerprintHash` joined: how a batch refers to a visitor before it has an id. */
export function visitorKey(siteId: string, fingerprintHash: string): string {
  return `${siteId}:${fingerprintHash}`;
}

const UPSERT_VISITORS: PreparedStatement = {
  name: 'trackveil_upsert_visitors',
  text: `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
         SELECT site_id, fingerprint_hash, seen_at, seen_at
           FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS v(site_id, fingerprint_hash, seen_at)
          ORDER BY site_id, fingerprint_hash
         ON CONFLICT (site_id, fingerprint_hash) DO UPDATE SET last_seen_at = visitors.last_seen_at
         RETURNING id, site_id, fingerprint_hash, last_session_id, last_seen_at`,
};

interface UpsertedVisitorRow {
  id: string;
  site_id: string;
  fingerprint_hash: string;
  last_session_id: string | null;
  last_seen_at: Date;
}

@Injectable()
export class VisitorsService {
  /**
   * Gets or creates the visitors of a batch in one statement and returns them by `visitorKey`.
   *
   * Every returned row stays locked until the transaction ends, so concurrent batches for the same
   * visitor take turns choosing its session; rows are locked in key order, so two batches cannot
   * deadlock on each other's visitors. `ON CONFLICT DO UPDATE` works on the latest committed
   * version of a row (after waiting for a concurrent writer), so the returned latest session is
   * current even when another replica has just started one.
   */
  async upsertMany(
    em: EntityManager,
    sightings: VisitorSighting[],
  ): Promise<Map<string, LockedVisitor>> {
    const earliest = new Map<string, VisitorSighting>();
    for (const sighting of sightings) {
      const key = visitorKey(sighting.siteId, sighting.fingerprintHash);
      const known = earliest.get(key);
      if (!known || sighting.seenAt < known.seenAt) earliest.set(key, sighting);
    }
    const rows = [...earliest.values()];
    const returned = await queryPrepared<UpsertedVisitorRow>(em, UPSERT_VISITORS, [
      rows.map((row) => row.siteId),
      rows.map((row) => row.fingerprintHash),
      rows.map((row) => row.seenAt),
    ]);
    return new Map(
      returned.map((row) => [
        visitorKey(row.site_id, row.fingerprint_hash),
        { id: row.id, lastSessionId: row.last_session_id, lastSeenAt: row.last_seen_at },
      ]),
    );
  }
}
