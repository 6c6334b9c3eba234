import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReferrerSources } from './referrer-sources.js';

/** Sessions read and named per statement: small enough to hold no lock for long. */
const BATCH = 5000;
const FIRST_ID = '00000000-0000-0000-0000-000000000000';

interface UnnamedSession {
  id: string;
  utm_source: string | null;
  referrer_host: string | null;
  referrer: string | null;
  page_host: string | null;
}

/**
 * Names the source of visits stored before sources were kept (`sessions.source` null although
 * the visit had a referrer or a campaign), with the same rules as ingestion. Batches in primary
 * key order, each committed on its own: safe to run while the server ingests, to stop, and to run
 * again (it only fills what is still empty).
 */
@Injectable()
export class SourceBackfill {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sources: ReferrerSources,
  ) {}

  /** Returns how many visits were read and how many got a source; `onBatch` reports progress. */
  async run(
    onBatch: (progress: { read: number; named: number }) => void = () => undefined,
  ): Promise<{ read: number; named: number }> {
    const progress = { read: 0, named: 0 };
    let after = FIRST_ID;
    for (;;) {
      const rows: UnnamedSession[] = await this.dataSource.query(
        `SELECT s.id, s.utm_source, s.referrer_host, s.referrer,
                (SELECT p.hostname FROM page_views p WHERE p.session_id = s.id
                  ORDER BY p.created_at LIMIT 1) AS page_host
           FROM sessions s
          WHERE s.id > $1 AND s.source IS NULL
            AND (s.utm_source IS NOT NULL OR s.referrer_host IS NOT NULL)
          ORDER BY s.id LIMIT $2`,
        [after, BATCH],
      );
      if (rows.length === 0) return progress;
      after = rows[rows.length - 1].id;
      const named = rows
        .map((row) => ({
          id: row.id,
          source: this.sources.sourceOf({
            utmSource: row.utm_source,
            referrerHost: row.referrer_host,
            referrer: row.referrer,
            pageHost: row.page_host,
          }),
        }))
        .filter((row): row is { id: string; source: string } => row.source !== null);
      if (named.length > 0) {
        await this.dataSource.query(
          `UPDATE sessions s SET source = u.source
             FROM unnest($1::uuid[], $2::text[]) AS u(id, source)
            WHERE s.id = u.id AND s.source IS NULL`,
          [named.map((row) => row.id), named.map((row) => row.source)],
        );
      }
      progress.read += rows.length;
      progress.named += named.length;
      onBatch(progress);
    }
  }
}
