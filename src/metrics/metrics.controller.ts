import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { register } from 'prom-client';
import { Public } from '../auth/access-rules.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { metricsConfig, type MetricsConfig } from '../config/metrics.config.js';
import { refuseScrape } from './metrics-access.js';

/**
 * `GET /metrics` on the main port (the path is set by `PrometheusModule.register`): the Prometheus
 * text, behind `METRICS_TOKEN` when set, and not at all when `METRICS_PORT` serves it instead.
 */
@ApiTags('metrics')
@Controller()
export class MetricsController {
  constructor(@Inject(metricsConfig.KEY) private readonly config: MetricsConfig) {}

  /** Public to the access guard: `METRICS_TOKEN` and `METRICS_PORT` protect it, for Prometheus. */
  @Get()
  @Public()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; answered 404 on this port when METRICS_PORT serves it instead.',
  })
  @ApiOkResponse({
    description: 'The Prometheus text exposition format.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiUnauthorizedResponse({
    type: ErrorBodyDto,
    description: 'METRICS_TOKEN is set and the request does not carry it.',
    headers: {
      'WWW-Authenticate': { description: 'The Bearer challenge.', schema: { type: 'string' } },
    },
  })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'METRICS_PORT is set: metrics are served there.',
  })
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
