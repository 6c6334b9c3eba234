import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { trackingConfig } from '../config/tracking.config.js';
import { type PreparedStatement, queryPrepared } from '../database/prepared-statement.js';
import type { LockedVisitor } from '../visitors/visitors.service.js';

/** A page view waiting for its session. */
export interface SessionHit {
  siteId: string;
  visitor: LockedVisitor;
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

const INSERT_SESSIONS: PreparedStatement = {
  name: 'trackveil_insert_sessions',
  text: `INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path, exit_path,
                               referrer_host, utm_source, utm_medium, utm_campaign)
         SELECT id, site_id, visitor_id, started_at, started_at, entry_path, entry_path,
                referrer_host, utm_source, utm_medium, utm_campaign
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[],
                       $6::text[], $7::text[], $8::text[], $9::text[])
             AS s(id, site_id, visitor_id, started_at, entry_path,
                  referrer_host, utm_source, utm_medium, utm_campaign)`,
};

@Injectable()
export class SessionsService {
  private readonly timeoutMs: number;

  constructor(@Inject(trackingConfig.KEY) tracking: ConfigType<typeof trackingConfig>) {
    this.timeoutMs = tracking.sessionTimeoutMs;
  }

  /**
   * Chooses the session of every hit, in the caller's transaction: the visitor's latest session
   * when the hit comes within the timeout of its last activity, otherwise a new session, which is
   * inserted here. Returns the session ids in the order of `hits`.
   *
   * The visitors must be locked by the caller (`VisitorsService.upsertMany`), so that their latest
   * session cannot change before the transaction commits.
   */
  async assign(em: EntityManager, hits: SessionHit[]): Promise<string[]> {
    const open = new Map<string, OpenSession | undefined>();
    const sessionIds = new Array<string>(hits.length);
    const created: NewSession[] = [];
    const inTimeOrder = hits.map((hit, index) => ({ hit, index }));
    inTimeOrder.sort((a, b) => a.hit.at.getTime() - b.hit.at.getTime());
    for (const { hit, index } of inTimeOrder) {
      const { visitor } = hit;
      if (!open.has(visitor.id)) {
        open.set(
          visitor.id,
          visitor.lastSessionId === null
            ? undefined
            : { id: visitor.lastSessionId, lastActivityAt: visitor.lastSeenAt.getTime() },
        );
      }
      const at = hit.at.getTime();
      let session = open.get(visitor.id);
      if (!session || at - session.lastActivityAt > this.timeoutMs) {
        session = { id: randomUUID(), lastActivityAt: at };
        open.set(visitor.id, session);
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
    await queryPrepared(em, INSERT_SESSIONS, [
      column((s) => s.id),
      column((s) => s.hit.siteId),
      column((s) => s.hit.visitor.id),
      column((s) => s.hit.at),
      column((s) => s.hit.path),
      column((s) => s.hit.referrerHost),
      column((s) => s.hit.utmSource),
      column((s) => s.hit.utmMedium),
      column((s) => s.hit.utmCampaign),
    ]);
  }
}
