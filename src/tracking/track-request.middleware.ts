import {
  BadRequestException,
  Inject,
  Injectable,
  type NestMiddleware,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { normalizeIp, ThrottlerException, ThrottlerStorage } from '@nestjs/throttler';
import express, { type Request, type Response } from 'express';
import { assignRequestId } from '../common/logging.js';
import { isUuid } from '../common/uuid.js';
import { trackingConfig } from '../config/tracking.config.js';
import { FilteredTrafficService } from '../filtered-traffic/filtered-traffic.service.js';
import { isSpeculativeRequest } from './speculative-request.js';
import { TrackingMetrics } from './tracking.metrics.js';

const RATE_LIMIT_MESSAGE =
  'Too many events from this address; wait for the number of seconds in Retry-After.';

export const MAX_BODY_BYTES = 8 * 1024;

/** What `/track` accepts: JSON, and `text/plain` because that is what `sendBeacon` sends. */
const ACCEPTED_TYPES = ['application/json', 'text/plain'];

const parseJson = express.json({ limit: MAX_BODY_BYTES, strict: true, type: () => true });

const REJECTION_REASONS: Record<number, string> = {
  400: 'invalid',
  403: 'origin_not_allowed',
  404: 'site_not_found',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * Everything `/track` needs before its controller, in one pass (it runs for every page view):
 *
 * - a request id, echoed in `X-Request-Id`;
 * - CORS: any page may send events, so the `Origin` is reflected (not `*`: `sendBeacon` sends
 *   credentials mode "include", which `*` does not satisfy; Trackveil sets no cookies either way)
 *   and preflights are answered here. A site's allowed domains are checked per event (403);
 * - prefetches, prerenders and link previews (`Sec-Purpose` and its older cousins): 204 with
 *   `X-Trackveil-Ignored: prefetch`, before anything else is spent on them;
 * - the rate limit per client address (IPv6 by /64), with @nestjs/throttler's storage: checked
 *   before the body is read, so a flood costs as little as possible. (Its `ThrottlerGuard` does
 *   the same check after parsing, with a dozen metadata lookups and awaits per request: about 5%
 *   of the CPU of a stored event.) Over the limit: 429 with `Retry-After`;
 * - the body: `application/json` or `text/plain`, parsed as JSON, at most 8 KB; anything else
 *   becomes the 4xx of the contract instead of Express's HTML error page;
 * - refused events are counted by reason, whichever layer refused them; every ignored or
 *   refused request (but a 5xx, which the tracker retries) is also counted for its site's
 *   filtered traffic when the site is known: the body's `site_id`, or before the body is read
 *   (prefetch, rate limit, wrong content type) the `s` query parameter the tracker adds.
 */
@Injectable()
export class TrackRequestMiddleware implements NestMiddleware {
  private readonly rateLimit: ConfigType<typeof trackingConfig>['rateLimit'];

  constructor(
    private readonly metrics: TrackingMetrics,
    private readonly filteredTraffic: FilteredTrafficService,
    @Inject(ThrottlerStorage) private readonly throttlerStorage: ThrottlerStorage,
    @Inject(trackingConfig.KEY) config: ConfigType<typeof trackingConfig>,
  ) {
    this.rateLimit = config.rateLimit;
  }

  async use(req: Request, res: Response, next: () => void): Promise<void> {
    assignRequestId(req, res);
    // Requests refused before routing have no `req.route`; name the route for the HTTP metrics.
    res.locals.route = '/track';
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader(
        'Access-Control-Expose-Headers',
        'X-Request-Id, X-Trackveil-Ignored, Retry-After',
      );
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '86400');
      res.status(204).end();
      return;
    }
    if (req.method !== 'POST') return next();
    res.once('finish', () => this.countFiltered(req, res));
    if (isSpeculativeRequest(req.headers)) {
      // Judged from the headers alone: the body is neither read nor counted against the limit.
      this.metrics.countEvent('ignored', 'prefetch');
      res.setHeader('X-Trackveil-Ignored', 'prefetch');
      res.status(204).end();
      return;
    }

    await this.throttle(req, res);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (!contentType || !ACCEPTED_TYPES.includes(contentType)) {
      throw new UnsupportedMediaTypeException(
        `Send the event as JSON with Content-Type application/json or text/plain (got ${contentType ? `"${contentType}"` : 'none'}).`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      parseJson(req, res, (error?: unknown) => (error ? reject(toHttpError(error)) : resolve()));
    });
    next();
  }

  /** Counts a request that stored nothing: refusals in `/metrics`, and for its site. */
  private countFiltered(req: Request, res: Response): void {
    const status = res.statusCode;
    let reason: string | undefined;
    if (status >= 400) {
      reason = REJECTION_REASONS[status] ?? 'error';
      this.metrics.countEvent('rejected', reason);
    } else if (status === 204) {
      // Ignored (prefetch, bot, referrer spam): already in `/metrics`, counted where decided.
      const ignored = res.getHeader('X-Trackveil-Ignored');
      reason = typeof ignored === 'string' ? ignored : undefined;
    }
    if (reason && status < 500) this.filteredTraffic.record(siteOf(req), reason);
  }

  private async throttle(req: Request, res: Response): Promise<void> {
    const { windowMs, maxRequests } = this.rateLimit;
    const { isBlocked, timeToBlockExpire } = await this.throttlerStorage.increment(
      normalizeIp(req.ip ?? ''),
      windowMs,
      maxRequests,
      windowMs,
      'default',
    );
    if (isBlocked) {
      res.setHeader('Retry-After', String(timeToBlockExpire));
      throw new ThrottlerException(RATE_LIMIT_MESSAGE);
    }
  }
}

/**
 * The site a request names: its body's `site_id`, else the `s` query parameter (read only when
 * the body was not, or named no site). Either may name any site: anyone can send any site id.
 */
function siteOf(req: Request): unknown {
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null && 'site_id' in body) {
    const { site_id: siteId } = body;
    if (typeof siteId === 'string' && isUuid(siteId)) return siteId;
  }
  return req.query.s;
}

interface BodyParserError {
  type?: string;
}

function toHttpError(error: unknown): Error {
  switch ((error as BodyParserError).type ?? '') {
    case 'entity.too.large':
      return new PayloadTooLargeException(
        `The request body is larger than ${MAX_BODY_BYTES} bytes; send one event of at most 8 KB.`,
      );
    case 'entity.parse.failed':
      return new BadRequestException('The request body is not valid JSON; send one JSON object.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeException(
        'The request body must be UTF-8 JSON, optionally gzip- or deflate-compressed.',
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new BadRequestException('The request body arrived incomplete.');
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
