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
import { type PreparedStatement, queryPrepared } from '../database/prepared-statement.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { isHostAllowed } from '../sites/domains.js';
import { SitesService, type TrackingSite } from '../sites/sites.service.js';
import { type LockedVisitor, VisitorsService, visitorKey } from '../visitors/visitors.service.js';
import { anonymizeIp } from './anonymize-ip.js';
import type { EventType, TrackEventDto } from './dto/track-event.dto.js';
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

/** An accepted event (a page view or a custom event), ready to be written. */
interface PreparedEvent {
  type: EventType;
  /** The custom event's name and its props as JSON; null for page views. */
  name: string | null;
  props: string | null;
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
    const type = event.type ?? 'pageview';
    return {
      type,
      name: type === 'event' ? (event.name ?? null) : null,
      props: type === 'event' ? JSON.stringify(event.props ?? {}) : null,
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
   * Stores a batch; returns one result per event. A repeat of an `event_id` within the batch is a
   * duplicate of its first copy. Repeats of ids stored before are found while the batch is
   * written; the transaction then rolls back (their visitors and sessions must not stay) and the
   * batch is written again without them. That is rare (a lost acknowledgement), so the common
   * path spends no round trip on it.
   */
  private async commit(events: PreparedEvent[]): Promise<CommitResult[]> {
    const results: CommitResult[] = events.map(() => 'stored');
    const firstByKey = new Map<string, PreparedEvent>();
    events.forEach((event, index) => {
      if (event.eventId === null) return;
      const key = eventKey(event.siteId, event.eventId);
      if (firstByKey.has(key)) results[index] = 'duplicate';
      else firstByKey.set(key, event);
    });

    let pending = events.filter((_, index) => results[index] === 'stored');
    while (pending.length > 0) {
      const repeated = await this.store(pending);
      if (repeated.size === 0) break;
      events.forEach((event, index) => {
        if (event.eventId !== null && repeated.has(eventKey(event.siteId, event.eventId))) {
          results[index] = 'duplicate';
        }
      });
      pending = pending.filter(
        (event) => event.eventId === null || !repeated.has(eventKey(event.siteId, event.eventId)),
      );
    }
    return results;
  }

  /**
   * Writes events in ONE transaction: get or create the visitors (locking them; each comes with
   * its latest session), choose or create the sessions, insert the page views and custom events
   * with their `event_id` receipts; the triggers then bring visitor and session counters up to date. Three
   * statements per batch, whatever its size. Returns the keys of events whose `event_id` was
   * already stored, in which case nothing was committed.
   */
  private async store(events: PreparedEvent[]): Promise<Set<string>> {
    try {
      await this.dataSource.transaction(async (em) => {
        const visitors = await this.visitors.upsertMany(
          em,
          events.map((e) => ({
            siteId: e.siteId,
            fingerprintHash: e.fingerprintHash,
            seenAt: e.at,
          })),
        );
        const visitorOf = (e: PreparedEvent): LockedVisitor =>
          visitors.get(visitorKey(e.siteId, e.fingerprintHash)) as LockedVisitor;
        const sessionIds = await this.sessions.assign(
          em,
          events.map((e) => ({
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
        const repeated = await this.insertEvents(
          em,
          events,
          events.map((e) => visitorOf(e).id),
          sessionIds,
        );
        if (repeated.size > 0) throw new RepeatedEventsError(repeated);
      });
      return new Set();
    } catch (error) {
      if (error instanceof RepeatedEventsError) return error.keys;
      throw error;
    }
  }

  /**
   * Inserts the page views and custom events and, in the same statement, their `event_id`
   * receipts; an event whose receipt already exists is not inserted. Returns the keys of those
   * repeats.
   */
  private async insertEvents(
    em: EntityManager,
    events: PreparedEvent[],
    visitorIds: string[],
    sessionIds: string[],
  ): Promise<Set<string>> {
    const column = <T>(pick: (e: PreparedEvent) => T): T[] => events.map(pick);
    const repeated = await queryPrepared<{ site_id: string; event_id: string }>(em, INSERT_EVENTS, [
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
      column((e) => e.type),
      column((e) => e.name),
      column((e) => e.props),
    ]);
    return new Set(repeated.map((row) => eventKey(row.site_id, row.event_id)));
  }
}

const PAGE_VIEW_COLUMNS = `created_at, site_id, visitor_id, session_id, event_id, url, hostname, path,
  title, referrer, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
  screen_width, screen_height, load_time_ms, browser, browser_version, os, os_version, device_type,
  ip_address`;

/**
 * Page views, custom events and their receipts in one statement. Receipts are taken in (site,
 * event) order, after the visitor locks, like every batch does, so concurrent batches cannot
 * deadlock on them.
 */
const INSERT_EVENTS: PreparedStatement = {
  name: 'trackveil_insert_events',
  text: `WITH input AS (
           SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[],
                                $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                                $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                                $17::int[], $18::int[], $19::int[], $20::text[], $21::text[],
                                $22::text[], $23::text[], $24::text[], $25::inet[],
                                $26::text[], $27::text[], $28::jsonb[])
             AS p(${PAGE_VIEW_COLUMNS}, type, name, props)
         ), receipts AS (
           INSERT INTO received_events (site_id, event_id, received_at)
           SELECT site_id, event_id, created_at FROM input WHERE event_id IS NOT NULL
            ORDER BY site_id, event_id
           ON CONFLICT DO NOTHING
           RETURNING site_id, event_id
         ), accepted AS (
           SELECT * FROM input i
            WHERE i.event_id IS NULL
               OR EXISTS (SELECT 1 FROM receipts r WHERE r.site_id = i.site_id AND r.event_id = i.event_id)
         ), page_views_stored AS (
           INSERT INTO page_views (${PAGE_VIEW_COLUMNS})
           SELECT ${PAGE_VIEW_COLUMNS} FROM accepted WHERE type = 'pageview'
         ), events_stored AS (
           INSERT INTO events (created_at, site_id, visitor_id, session_id, event_id, name, props,
                               url, hostname, path)
           SELECT created_at, site_id, visitor_id, session_id, event_id, name, props,
                  url, hostname, path
             FROM accepted WHERE type = 'event'
         )
         SELECT i.site_id, i.event_id FROM input i
          WHERE i.event_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.site_id = i.site_id AND r.event_id = i.event_id)`,
};

/** Thrown inside the transaction to roll it back when a batch holds already-stored events. */
class RepeatedEventsError extends Error {
  constructor(readonly keys: Set<string>) {
    super('The batch holds events whose event_id was already stored.');
  }
}

function eventKey(siteId: string, eventId: string): string {
  return `${siteId}:${eventId}`;
}

function hostOfOrigin(origin: string): string | undefined {
  // `Origin: null` (sandboxed frames, file://) names no host, so it matches no allowed domain.
  return URL.canParse(origin) ? new URL(origin).hostname : undefined;
}
