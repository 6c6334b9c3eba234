import { Injectable, type NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Request, Response } from 'express';
import type { Counter, Histogram } from 'prom-client';

export const HTTP_REQUESTS_TOTAL = 'trackveil_http_requests_total';
export const HTTP_REQUEST_DURATION = 'trackveil_http_request_duration_seconds';

type HttpLabels = 'method' | 'route' | 'status';

interface SeriesOf {
  requests: { inc: () => void };
  duration: { observe: (seconds: number) => void };
}

/**
 * Request rate, errors and latency by route and status. The route is the matched route pattern,
 * never the raw URL, so scanners probing random paths cannot blow up the number of series.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  /**
   * The series of each method, route and status seen, so a request does not hash its labels
   * twice. Bounded: routes are patterns and Node accepts only known methods.
   */
  private readonly series = new Map<string, SeriesOf>();

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
      const series = this.seriesOf(
        req.method,
        route ?? (res.locals.route as string | undefined) ?? 'unmatched',
        String(res.statusCode),
      );
      series.requests.inc();
      series.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }

  private seriesOf(method: string, route: string, status: string): SeriesOf {
    const key = `${method} ${route} ${status}`;
    let series = this.series.get(key);
    if (!series) {
      const labels = { method, route, status };
      series = { requests: this.requests.labels(labels), duration: this.duration.labels(labels) };
      this.series.set(key, series);
    }
    return series;
  }
}
