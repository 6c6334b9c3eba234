import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TrackingMetrics } from './tracking.metrics.js';

const REASONS: Record<number, string> = {
  400: 'invalid',
  403: 'origin_not_allowed',
  404: 'site_not_found',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * Counts refused `/track` requests by reason, whichever layer refused them (body parser, rate
 * limiter, validation, the service), by looking at the status each one was answered with.
 */
@Injectable()
export class TrackRejectionsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: TrackingMetrics) {}

  use(req: Request, res: Response, next: () => void): void {
    // Requests refused before routing have no `req.route`; name the route for the HTTP metrics.
    res.locals.route = '/track';
    if (req.method === 'POST') {
      res.once('finish', () => {
        if (res.statusCode >= 400) {
          this.metrics.countEvent('rejected', REASONS[res.statusCode] ?? 'error');
        }
      });
    }
    next();
  }
}
