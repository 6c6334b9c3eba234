import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface VisitorSighting {
  siteId: string;
  fingerprintHash: string;
  seenAt: Date;
}

/** `siteId` and `fingerprintHash` joined: how a batch refers to a visitor before it has an id. */
export function visitorKey(siteId: string, fingerprintHash: string): string {
  return `${siteId}:${fingerprintHash}`;
}

@Injectable()
export class VisitorsService {
  /**
   * Gets or creates the visitors of a batch in one statement and returns their ids by
   * `visitorKey`. Every returned visitor row stays locked until the transaction ends, so
   * concurrent batches for the same visitor take turns choosing its session. Rows are locked in
   * key order, so two batches cannot deadlock on each other's visitors.
   */
  async upsertMany(em: EntityManager, sightings: VisitorSighting[]): Promise<Map<string, string>> {
    const earliest = new Map<string, VisitorSighting>();
    for (const sighting of sightings) {
      const key = visitorKey(sighting.siteId, sighting.fingerprintHash);
      const known = earliest.get(key);
      if (!known || sighting.seenAt < known.seenAt) earliest.set(key, sighting);
    }
    const rows = [...earliest.values()];
    const returned: { id: string; site_id: string; fingerprint_hash: string }[] = await em.query(
      `INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
       SELECT site_id, fingerprint_hash, seen_at, seen_at
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS v(site_id, fingerprint_hash, seen_at)
        ORDER BY site_id, fingerprint_hash
       ON CONFLICT (site_id, fingerprint_hash) DO UPDATE SET last_seen_at = visitors.last_seen_at
       RETURNING id, site_id, fingerprint_hash`,
      [
        rows.map((row) => row.siteId),
        rows.map((row) => row.fingerprintHash),
        rows.map((row) => row.seenAt),
      ],
    );
    return new Map(returned.map((row) => [visitorKey(row.site_id, row.fingerprint_hash), row.id]));
  }
}
