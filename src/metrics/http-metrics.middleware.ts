import { Injectable, type NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Request, Response } from 'express';
import type { Counter, Histogram } from 'prom-client';

export const HTTP_REQUESTS_TOTAL = 'trackveil_http_requests_total';
export const HTTP_REQUEST_DURATION = 'trackveil_http_request_duration_seconds';

type HttpLabels = 'method' | 'route' | 'status';

/**
 * Request rate, errors and latency by route and status. The route is the matched route pattern,
 * never the raw URL, so scanners probing random paths cannot blow up the number of series.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    @InjectMetric(HTTP_REQUESTS_TOTAL) private readonly requests: Counter<HttpLabels>,
    @InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram<HttpLabels>,
  ) {}

  use(req: Request, res: Response, next: () => void): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const matched = (req.route as { path?: string } | undefined)?.path;
      // Nest answers unknown paths from a catch-all route (`{/*splat}`): not a route of ours.
      const route = matched && !matched.includes('*') ? matched : undefined;
      const labels = {
        method: req.method,
        route: route ?? (res.locals.route as string | undefined) ?? 'unmatched',
        status: String(res.statusCode),
      };
      this.requests.inc(labels);
      this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
