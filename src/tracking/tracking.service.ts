import { hash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { trackingConfig } from '../config/tracking.config.js';
import { DatabaseTimeoutError } from '../database/bounded-query.js';
import {
  databaseErrorCode,
  isDataError,
  isRetryableTransactionError,
} from '../database/database-errors.js';
import {
  composeSteps,
  type PreparedStatement,
  queryPrepared,
  type StatementStep,
} from '../database/prepared-statement.js';
import { GeoIpService } from '../geoip/geoip.service.js';
import { ReferrerSources } from '../referrer-sources/referrer-sources.js';
import { ASSIGNED_SESSIONS, SessionsService } from '../sessions/sessions.service.js';
import { isHostAllowed } from '../sites/domains.js';
import { SitesService, type TrackingSite } from '../sites/sites.service.js';
import { LOCKED_VISITORS, VisitorsService } from '../visitors/visitors.service.js';
import { anonymizeIp } from './anonymize-ip.js';
import type { EventType, TrackEventDto } from './dto/track-event.dto.js';
import { GroupCommitQueue, QueueFullError, QueueTimeoutError } from './group-commit-queue.js';
import {
  describePageUrl,
  describeReferrer,
  type PageUrlParts,
  parseUrl,
  type ReferrerParts,
} from './page-url.js';
import { ReferrerSpamList } from './referrer-spam/referrer-spam-list.js';
import { TrackingMetrics } from './tracking.metrics.js';
import { type ParsedUserAgent, UserAgentParser } from './user-agent.js';

export interface TrackRequest {
  event: TrackEventDto;
  userAgent: string | undefined;
  /** `req.ip`: the client address under `TRUST_PROXY` (`common/client-address.ts`). Never stored as is. */
  ip: string | undefined;
  origin: string | undefined;
}

export type TrackOutcome =
  | { status: 'stored' }
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: 'bot' | 'referrer_spam' };

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
  page: PageUrlParts;
  title: string | null;
  referrer: string | null;
  referrerHost: string | null;
  /** Where the visit came from ("Google", a `utm_source`, a host); null for none. */
  source: string | null;
  screenWidth: number | null;
  screenHeight: number | null;
  loadTimeMs: number | null;
  userAgent: ParsedUserAgent;
  /** The anonymized address (`anonymizeIp`). */
  ip: string | null;
  /** ISO 3166-1 alpha-2, from the full address; null when unknown. */
  country: string | null;
}

/**
 * The ingestion core. Checks an event against its site, enriches it (user agent, URL parts,
 * country, anonymized IP, salted fingerprint hash) and hands it to a group-commit queue; `track`
 * resolves only after the transaction holding the event has committed.
 */
@Injectable()
export class TrackingService implements OnApplicationShutdown {
  private readonly logger = new Logger(TrackingService.name);
  private readonly userAgents = new UserAgentParser();
  private readonly queue: GroupCommitQueue<PreparedEvent, CommitResult>;
  private readonly ingest: PreparedStatement;
  private readonly timeoutMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sites: SitesService,
    visitors: VisitorsService,
    sessions: SessionsService,
    private readonly clock: Clock,
    private readonly metrics: TrackingMetrics,
    private readonly referrerSpam: ReferrerSpamList,
    private readonly referrerSources: ReferrerSources,
    private readonly geoIp: GeoIpService,
    @Inject(trackingConfig.KEY) config: ConfigType<typeof trackingConfig>,
  ) {
    this.ingest = buildIngestStatement(visitors, sessions);
    this.timeoutMs = config.ingest.timeoutMs;
    this.queue = new GroupCommitQueue((events, timeoutMs) => this.commit(events, timeoutMs), {
      ...config.ingest,
      maxRetries: 3,
      isRetryable: isRetryableTransactionError,
      isItemError: isDataError,
      onBatch: (size, durationMs, succeeded) =>
        this.metrics.observeBatch(size, durationMs, succeeded, this.queue.queued),
      onExpired: (queued) => this.metrics.observeQueue(queued),
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
    // Parsed once: the spam check and the stored referrer read the same host.
    const referrer = describeReferrer(request.event.referrer);
    if (this.referrerSpam.hasHost(referrer.referrerHost)) {
      this.metrics.countEvent('ignored', 'referrer_spam');
      return { status: 'ignored', reason: 'referrer_spam' };
    }

    // One bound for the whole answer: the site lookup and the commit share it.
    const deadline = performance.now() + this.timeoutMs;
    const { event } = request;
    const site = await this.sites.findForTracking(event.site_id, this.timeoutMs);
    if (!site) {
      throw new DomainError(
        'site_not_found',
        `No active site has the id ${event.site_id}. Check the data-site-id of your snippet.`,
      );
    }
    const prepared = this.prepare(site, request, userAgent, referrer);
    const originHost = request.origin ? hostOfOrigin(request.origin) : prepared.page.hostname;
    if (!isHostAllowed(site.allowedDomains, originHost)) {
      throw new DomainError(
        'origin_not_allowed',
        `This site accepts events only from ${site.allowedDomains.join(', ')}; add the domain to the site's allowed domains to track it.`,
      );
    }

    const result = await this.submit(prepared, deadline);
    this.metrics.countEvent('accepted', result);
    return { status: result };
  }

  async onApplicationShutdown(): Promise<void> {
    // In-flight requests are already finished when the HTTP server has closed; this covers any
    // commit still running for a client that went away.
    await this.queue.drain();
  }

  private async submit(event: PreparedEvent, deadline: number): Promise<CommitResult> {
    try {
      return await this.queue.submit(event, deadline);
    } catch (error) {
      if (error instanceof QueueTimeoutError || error instanceof DatabaseTimeoutError) {
        throw new DomainError(
          'ingest_timeout',
          `The database did not store the event within ${this.timeoutMs} ms; retry in a few seconds with the same event_id (an event_id is never stored twice).`,
        );
      }
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
    referrer: ReferrerParts,
  ): PreparedEvent {
    const { event } = request;
    const page = describePageUrl(event.url);
    const fingerprintHash = hash(
      'sha256',
      Buffer.concat([site.fingerprintSalt, Buffer.from(event.fingerprint)]),
    );
    const type = event.type ?? 'pageview';
    return {
      type,
      name: type === 'event' ? (event.name ?? null) : null,
      props: type === 'event' ? JSON.stringify(event.props ?? {}) : null,
      siteId: site.id,
      eventId: event.event_id?.toLowerCase() ?? null,
      at: this.clock.now(),
      fingerprintHash,
      page,
      title: event.title ?? null,
      referrer: referrer.referrer,
      referrerHost: referrer.referrerHost,
      source: this.referrerSources.sourceOf({
        referrerHost: referrer.referrerHost,
        utmSource: page.utmSource,
        pageHost: page.hostname,
        referrer: referrer.referrer,
      }),
      screenWidth: event.screen_width ?? null,
      screenHeight: event.screen_height ?? null,
      loadTimeMs: event.load_time_ms ?? null,
      userAgent,
      // The country comes from the full address; only the anonymized one is kept.
      ip: anonymizeIp(request.ip),
      country: this.geoIp.countryOf(request.ip),
    };
  }

  /**
   * Stores a batch; returns one result per event. A repeat of an `event_id` within the batch is a
   * duplicate of its first copy and is not sent; repeats of ids stored before are found by the
   * statement itself.
   */
  private async commit(events: PreparedEvent[], timeoutMs: number): Promise<CommitResult[]> {
    const results: CommitResult[] = events.map(() => 'stored');
    const seen = new Set<string>();
    const unique: number[] = [];
    events.forEach((event, index) => {
      if (event.eventId !== null) {
        const key = `${event.siteId}:${event.eventId}`;
        if (seen.has(key)) {
          results[index] = 'duplicate';
          return;
        }
        seen.add(key);
      }
      unique.push(index);
    });

    let repeats: number[];
    try {
      repeats = await this.store(
        unique.map((index) => events[index]),
        timeoutMs,
      );
    } catch (error) {
      // Once per batch, not per event: at most INGEST_MAX_CONCURRENT_BATCHES lines per timeout.
      if (error instanceof DatabaseTimeoutError) {
        this.logger.warn(
          { events: events.length, timeoutMs },
          `The database did not answer a batch in time (${error.message}); its events were answered 503.`,
        );
      }
      throw error;
    }
    for (const position of repeats) results[unique[position]] = 'duplicate';
    return results;
  }

  /**
   * Writes events in ONE statement, so ONE transaction and one round trip whatever the batch
   * size: takes their `event_id` receipts (an event whose receipt already exists is a repeat
   * and is left out whole), gets or creates their visitors (locking them), chooses or starts
   * their sessions, and inserts the page views and custom events; the triggers then bring
   * visitor and session counters up to date. Returns the positions of the repeats.
   */
  private async store(events: PreparedEvent[], timeoutMs: number): Promise<number[]> {
    if (events.length === 0) return [];
    const column = <T>(pick: (e: PreparedEvent) => T): T[] => events.map(pick);
    const repeats = await queryPrepared<{ ord: string }>(
      this.dataSource,
      this.ingest,
      [
        column((e) => e.at),
        column((e) => e.siteId),
        column((e) => e.fingerprintHash),
        column((e) => e.eventId),
        column((e) => e.page.url),
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
        column((e) => e.source),
        column((e) => e.country),
      ],
      timeoutMs,
    );
    return repeats.map((row) => Number(row.ord) - 1);
  }
}

const PAGE_VIEW_COLUMNS = `created_at, site_id, visitor_id, session_id, event_id, url, hostname, path,
  title, referrer, referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
  screen_width, screen_height, load_time_ms, browser, browser_version, os, os_version, device_type,
  ip_address`;

/**
 * The ingestion statement: the steps of this module around those of the visitor and session
 * services. Receipts are taken first, in (site, event) order, and visitors after them in key
 * order, like every batch does, so concurrent batches cannot deadlock on either.
 */
function buildIngestStatement(
  visitors: VisitorsService,
  sessions: SessionsService,
): PreparedStatement {
  const steps: StatementStep[] = [
    {
      name: 'input',
      materialized: true,
      sql: `
        SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::uuid[], $5::text[],
                             $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                             $12::text[], $13::text[], $14::text[], $15::text[], $16::int[], $17::int[],
                             $18::int[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],
                             $24::inet[], $25::text[], $26::text[], $27::jsonb[], $28::text[], $29::text[])
          WITH ORDINALITY
          AS p(created_at, site_id, fingerprint_hash, event_id, url, hostname, path, title, referrer,
               referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
               screen_width, screen_height, load_time_ms, browser, browser_version, os, os_version,
               device_type, ip_address, type, name, props, source, country, ord)`,
    },
    {
      name: 'receipts',
      sql: `
        INSERT INTO received_events (site_id, event_id, received_at)
        SELECT site_id, event_id, created_at FROM input WHERE event_id IS NOT NULL
         ORDER BY site_id, event_id
        ON CONFLICT DO NOTHING
        RETURNING site_id, event_id`,
    },
    {
      name: 'accepted',
      materialized: true,
      sql: `
        SELECT * FROM input
         WHERE event_id IS NULL OR (site_id, event_id) IN (SELECT site_id, event_id FROM receipts)`,
    },
    visitors.getOrCreate('accepted'),
    {
      name: 'hits',
      sql: `
        SELECT a.*, v.id AS visitor_id, v.last_session_id, v.last_seen_at
          FROM accepted a JOIN ${LOCKED_VISITORS} v USING (site_id, fingerprint_hash)`,
    },
    ...sessions.assign('hits'),
    {
      name: 'page_views_stored',
      sql: `
        INSERT INTO page_views (${PAGE_VIEW_COLUMNS})
        SELECT ${PAGE_VIEW_COLUMNS} FROM ${ASSIGNED_SESSIONS} WHERE type = 'pageview'`,
    },
    {
      name: 'events_stored',
      sql: `
        INSERT INTO events (created_at, site_id, visitor_id, session_id, event_id, name, props,
                            url, hostname, path)
        SELECT created_at, site_id, visitor_id, session_id, event_id, name, props, url, hostname, path
          FROM ${ASSIGNED_SESSIONS} WHERE type = 'event'`,
    },
  ];
  return {
    name: 'trackveil_ingest',
    text: composeSteps(
      steps,
      `SELECT ord FROM input
        WHERE event_id IS NOT NULL
          AND (site_id, event_id) NOT IN (SELECT site_id, event_id FROM receipts)`,
    ),
  };
}

function hostOfOrigin(origin: string): string | undefined {
  // `Origin: null` (sandboxed frames, file://) names no host, so it matches no allowed domain.
  return parseUrl(origin)?.hostname;
}
