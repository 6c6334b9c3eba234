import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { register } from 'prom-client';
import { metricsConfig, type MetricsConfig } from '../config/metrics.config.js';
import { refuseScrape } from './metrics-access.js';

/**
 * `GET /metrics` on the main port (the path is set by `PrometheusModule.register`): the Prometheus
 * text, behind `METRICS_TOKEN` when set, and not at all when `METRICS_PORT` serves it instead.
 */
@Controller()
export class MetricsController {
  constructor(@Inject(metricsConfig.KEY) private readonly config: MetricsConfig) {}

  @Get()
  async scrape(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    // Answered like any unknown path, so the main port does not reveal that metrics exist.
    if (this.config.port !== undefined) throw new NotFoundException(`Cannot GET ${req.path}`);
    const refusal = refuseScrape(req.headers.authorization, this.config.token);
    if (refusal) {
      res.setHeader('WWW-Authenticate', refusal.challenge);
      throw new UnauthorizedException(refusal.message);
    }
    res.setHeader('Content-Type', register.contentType);
    return register.metrics();
  }
}
