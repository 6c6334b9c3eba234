import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { trackingConfig } from '../config/tracking.config.js';
import {
  databaseErrorCode,
  isDataError,
  isRetryableTransactionError,
} from '../database/database-errors.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { isHostAllowed } from '../sites/domains.js';
import { SitesService, type TrackingSite } from '../sites/sites.service.js';
import { type LockedVisitor, VisitorsService, visitorKey } from '../visitors/visitors.service.js';
import { anonymizeIp } from './anonymize-ip.js';
import type { TrackEventDto } from './dto/track-event.dto.js';
import { GroupCommitQueue, QueueFullError } from './group-commit-queue.js';
import { describePageUrl, type PageUrlParts, referrerHost } from './page-url.js';
import { TrackingMetrics } from './tracking.metrics.js';
import { type ParsedUserAgent, UserAgentParser } from './user-agent.js';

export interface TrackRequest {
  event: TrackEventDto;
  userAgent: string | undefined;
  /** The client address as Express resolved it under `TRUST_PROXY`. Never stored as is. */
  ip: string | undefined;
  origin: string | undefined;
}

export type TrackOutcome =
  { status: 'stored' } | { status: 'duplicate' } | { status: 'ignored'; reason: 'bot' };

type CommitResult = 'stored' | 'duplicate';

/** An accepted event, ready to be written. */
interface PreparedEvent {
  siteId: string;
  eventId: string | null;
  at: Date;
  fingerprintHash: string;
  url: string;
  page: PageUrlParts;
  title: string | null;
  referrer: string | null;
  referrerHost: string | null;
  screenWidth: number | null;
  screenHeight: number | null;
  loadTimeMs: number | null;
  userAgent: ParsedUserAgent;
  ip: string | null;
}

/**
 * The ingestion core. Checks an event against its site, enriches it (user agent, URL parts,
 * anonymized IP, salted fingerprint hash) and hands it to a group-commit queue; `track` resolves
 * only after the transaction holding the event has committed.
 */
@Injectable()
export class TrackingService implements OnApplicationShutdown {
  private readonly logger = new Logger(TrackingService.name);
  private readonly userAgents = new UserAgentParser();
  private readonly queue: GroupCommitQueue<PreparedEvent, CommitResult>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sites: SitesService,
    private readonly visitors: VisitorsService,
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
    private readonly metrics: TrackingMetrics,
    @Inject(trackingConfig.KEY) config: ConfigType<typeof trackingConfig>,
  ) {
    this.queue = new GroupCommitQueue((events) => this.commit(events), {
      ...config.ingest,
      maxRetries: 3,
      isRetryable: isRetryableTransactionError,
      isItemError: isDataError,
      onBatch: (size, durationMs, succeeded) =>
        this.metrics.observeBatch(size, durationMs, succeeded, this.queue.queued),
    });
  }

  async track(request: TrackRequest): Promise<TrackOutcome> {
    const userAgent = request.userAgent?.trim()
      ? this.userAgents.parse(request.userAgent)
      : undefined;
    if (!userAgent || userAgent.isBot) {
      this.metrics.countEvent('ignored', 'bot');
      return { status: 'ignored', reason: 'bot' };
    }

    const { event } = request;
    const site = await this.sites.findForTracking(event.site_id);
    if (!site) {
      throw new DomainError(
        'site_not_found',
        `No active site has the id ${event.site_id}. Check the data-site-id of your snippet.`,
      );
    }
    const prepared = this.prepare(site, request, userAgent);
    const originHost = request.origin ? hostOfOrigin(request.origin) : prepared.page.hostname;
    if (!isHostAllowed(site.allowedDomains, originHost)) {
      throw new DomainError(
        'origin_not_allowed',
        `This site accepts events only from ${site.allowedDomains.join(', ')}; add the domain to the site's allowed domains to track it.`,
      );
    }

    const result = await this.submit(prepared);
    this.metrics.countEvent('accepted', result);
    return { status: result };
  }

  async onApplicationShutdown(): Promise<void> {
    // In-flight requests are already finished when the HTTP server has closed; this covers any
    // commit still running for a client that went away.
    await this.queue.drain();
  }

  private async submit(event: PreparedEvent): Promise<CommitResult> {
    try {
      return await this.queue.submit(event);
    } catch (error) {
      if (error instanceof QueueFullError) {
        throw new DomainError(
          'ingest_overloaded',
          'Trackveil is receiving more events than its database can take right now; retry shortly.',
        );
      }
      if (isDataError(error)) {
        if (databaseErrorCode(error) === '23503') {
          throw new DomainError('site_not_found', `No active site has the id ${event.siteId}.`);
        }
        this.logger.warn(
          { sqlState: databaseErrorCode(error) },
          'An event was refused by the database.',
        );
        throw new DomainError(
          'event_not_storable',
          'The event holds a value the database cannot store; check its fields against the /track contract.',
        );
      }
      throw error;
    }
  }

  private prepare(
    site: TrackingSite,
    request: TrackRequest,
    userAgent: ParsedUserAgent,
  ): PreparedEvent {
    const { event } = request;
    const page = describePageUrl(event.url);
    const fingerprintHash = createHash('sha256')
      .update(site.fingerprintSalt)
      .update(event.fingerprint)
      .digest('hex');
    return {
      siteId: site.id,
      eventId: event.event_id?.toLowerCase() ?? null,
      at: this.clock.now(),
      fingerprintHash,
      url: event.url,
      page,
      title: event.title ?? null,
      referrer: event.referrer ?? null,
      referrerHost: referrerHost(event.referrer),
      screenWidth: event.screen_width ?? null,
      screenHeight: event.screen_height ?? null,
      loadTimeMs: event.load_time_ms ?? null,
      userAgent,
      ip: anonymizeIp(request.ip),
    };
  }

  /**
   * Stores a batch in ONE transaction: drop repeats of stored `event_id`s, get or create the
   * visitors (locking them; each comes with its latest session), choose or create the sessions,
   * insert the page views; the triggers then bring visitor and session counters up to date.
   * Four statements per batch, whatever its size. Returns one result per event.
   */
  private commit(events: PreparedEvent[]): Promise<CommitResult[]> {
    return this.dataSource.transaction(async (em) => {
      const results = await this.markDuplicates(em, events);
      const fresh = events.filter((_, index) => results[index] === 'stored');
      if (fresh.length === 0) return results;

      const visitors = await this.visitors.upsertMany(
        em,
        fresh.map((e) => ({ siteId: e.siteId, fingerprintHash: e.fingerprintHash, seenAt: e.at })),
      );
      const visitorOf = (e: PreparedEvent): LockedVisitor =>
        visitors.get(visitorKey(e.siteId, e.fingerprintHash)) as LockedVisitor;
      const sessionIds = await this.sessions.assign(
        em,
        fresh.map((e) => ({
          siteId: e.siteId,
          visitor: visitorOf(e),
          at: e.at,
          path: e.page.path,
          // Moving between pages of the same site is not a source of traffic.
          referrerHost: e.referrerHost === e.page.hostname ? null : e.referrerHost,
          utmSource: e.page.utmSource,
          utmMedium: e.page.utmMedium,
          utmCampaign: e.page.utmCampaign,
        })),
      );
      await this.insertPageViews(
        em,
        fresh,
        fresh.map((e) => visitorOf(e).id),
        sessionIds,
      );
      return results;
    });
  }

  /** 'duplicate' for events whose `event_id` the site has sent before (or earlier in the batch). */
  private async markDuplicates(
    em: EntityManager,
    events: PreparedEvent[],
  ): Promise<CommitResult[]> {
    const results: CommitResult[] = events.map(() => 'stored');
    const firstByKey = new Map<string, PreparedEvent>();
    events.forEach((event, index) => {
      if (event.eventId === null) return;
      const key = `${event.siteId}:${event.eventId}`;
      if (firstByKey.has(key)) results[index] = 'duplicate';
      else firstByKey.set(key, event);
    });
    if (firstByKey.size === 0) return results;

    const candidates = [...firstByKey.values()];
    const inserted: { site_id: string; event_id: string }[] = await em.query(
      `INSERT INTO received_events (site_id, event_id, received_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[])
        ORDER BY 1, 2
       ON CONFLICT DO NOTHING
       RETURNING site_id, event_id`,
      [
        candidates.map((e) => e.siteId),
        candidates.map((e) => e.eventId),
        candidates.map((e) => e.at),
      ],
    );
    const fresh = new Set(inserted.map((row) => `${row.site_id}:${row.event_id}`));
    events.forEach((event, index) => {
      if (event.eventId !== null && !fresh.has(`${event.siteId}:${event.eventId}`)) {
        results[index] = 'duplicate';
      }
    });
    return results;
  }

  private async insertPageViews(
    em: EntityManager,
    events: PreparedEvent[],
    visitorIds: string[],
    sessionIds: string[],
  ): Promise<void> {
    const column = <T>(pick: (e: PreparedEvent) => T): T[] => events.map(pick);
    await em.query(
      `INSERT INTO page_views (created_at, site_id, visitor_id, session_id, event_id, url, hostname, path,
                               title, referrer, referrer_host, utm_source, utm_medium, utm_campaign,
                               utm_term, utm_content, screen_width, screen_height, load_time_ms,
                               browser, browser_version, os, os_version, device_type, ip_address)
       SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[],
                            $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                            $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                            $17::int[], $18::int[], $19::int[], $20::text[], $21::text[],
                            $22::text[], $23::text[], $24::text[], $25::inet[])`,
      [
        column((e) => e.at),
        column((e) => e.siteId),
        visitorIds,
        sessionIds,
        column((e) => e.eventId),
        column((e) => e.url),
        column((e) => e.page.hostname),
        column((e) => e.page.path),
        column((e) => e.title),
        column((e) => e.referrer),
        column((e) => e.referrerHost),
        column((e) => e.page.utmSource),
        column((e) => e.page.utmMedium),
        column((e) => e.page.utmCampaign),
        column((e) => e.page.utmTerm),
        column((e) => e.page.utmContent),
        column((e) => e.screenWidth),
        column((e) => e.screenHeight),
        column((e) => e.loadTimeMs),
        column((e) => e.userAgent.browser),
        column((e) => e.userAgent.browserVersion),
        column((e) => e.userAgent.os),
        column((e) => e.userAgent.osVersion),
        column((e) => e.userAgent.deviceType),
        column((e) => e.ip),
      ],
    );
  }
}

function hostOfOrigin(origin: string): string | undefined {
  // `Origin: null` (sandboxed frames, file://) names no host, so it matches no allowed domain.
  return URL.canParse(origin) ? new URL(origin).hostname : undefined;
}
