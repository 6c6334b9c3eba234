import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { trackingConfig } from '../config/tracking.config.js';

/** A page view waiting for its session. */
export interface SessionHit {
  siteId: string;
  visitorId: string;
  at: Date;
  path: string;
  /** The referrer host, when the visitor came from another site. */
  referrerHost: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
}

interface OpenSession {
  id: string;
  lastActivityAt: number;
}

interface NewSession {
  id: string;
  hit: SessionHit;
}

@Injectable()
export class SessionsService {
  private readonly timeoutMs: number;

  constructor(@Inject(trackingConfig.KEY) tracking: ConfigType<typeof trackingConfig>) {
    this.timeoutMs = tracking.sessionTimeoutMs;
  }

  /**
   * Chooses the session of every hit, in the caller's transaction: a visitor's latest session when
   * the hit comes within the timeout of its last activity, otherwise a new session, which is
   * inserted here. Returns the session ids in the order of `hits`.
   *
   * The caller must hold the lock on every visitor row involved (`VisitorsService.upsertMany`), so
   * that the latest session read here cannot change before the transaction commits.
   */
  async assign(em: EntityManager, hits: SessionHit[]): Promise<string[]> {
    const visitorIds = [...new Set(hits.map((hit) => hit.visitorId))];
    const latest: { visitor_id: string; id: string; last_activity_at: Date }[] = await em.query(
      `SELECT DISTINCT ON (visitor_id) visitor_id, id, last_activity_at
         FROM sessions
        WHERE visitor_id = ANY($1::uuid[])
        ORDER BY visitor_id, started_at DESC`,
      [visitorIds],
    );
    const open = new Map<string, OpenSession>(
      latest.map((row) => [
        row.visitor_id,
        { id: row.id, lastActivityAt: row.last_activity_at.getTime() },
      ]),
    );

    const sessionIds = new Array<string>(hits.length);
    const created: NewSession[] = [];
    const inTimeOrder = hits.map((hit, index) => ({ hit, index }));
    inTimeOrder.sort((a, b) => a.hit.at.getTime() - b.hit.at.getTime());
    for (const { hit, index } of inTimeOrder) {
      const at = hit.at.getTime();
      let session = open.get(hit.visitorId);
      if (!session || at - session.lastActivityAt > this.timeoutMs) {
        session = { id: randomUUID(), lastActivityAt: at };
        open.set(hit.visitorId, session);
        created.push({ id: session.id, hit });
      } else {
        session.lastActivityAt = Math.max(session.lastActivityAt, at);
      }
      sessionIds[index] = session.id;
    }

    if (created.length > 0) await this.insert(em, created);
    return sessionIds;
  }

  private async insert(em: EntityManager, sessions: NewSession[]): Promise<void> {
    const column = <T>(pick: (session: NewSession) => T): T[] => sessions.map(pick);
    await em.query(
      `INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path, exit_path,
                             referrer_host, utm_source, utm_medium, utm_campaign)
       SELECT id, site_id, visitor_id, started_at, started_at, entry_path, entry_path,
              referrer_host, utm_source, utm_medium, utm_campaign
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[],
                     $6::text[], $7::text[], $8::text[], $9::text[])
           AS s(id, site_id, visitor_id, started_at, entry_path,
                referrer_host, utm_source, utm_medium, utm_campaign)`,
      [
        column((s) => s.id),
        column((s) => s.hit.siteId),
        column((s) => s.hit.visitorId),
        column((s) => s.hit.at),
        column((s) => s.hit.path),
        column((s) => s.hit.referrerHost),
        column((s) => s.hit.utmSource),
        column((s) => s.hit.utmMedium),
        column((s) => s.hit.utmCampaign),
      ],
    );
  }
}
