import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TrackEventDto } from './dto/track-event.dto.js';
import { TrackingService } from './tracking.service.js';

@Controller()
export class TrackingController {
  constructor(private readonly tracking: TrackingService) {}

  /**
   * Stores one page view or custom event. 202 (empty) once it is committed, also for a repeat of a stored
   * `event_id`; 204 with `X-Trackveil-Ignored` for traffic that is not a visit (bots, referrer spam;
   * prefetches are answered by `TrackRequestMiddleware`), which is not stored.
   */
  @Post('track')
  @HttpCode(HttpStatus.ACCEPTED)
  async track(
    @Body() event: TrackEventDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const outcome = await this.tracking.track({
      event,
      userAgent: req.get('user-agent'),
      ip: req.ip,
      origin: req.get('origin'),
    });
    if (outcome.status === 'ignored') {
      res.status(HttpStatus.NO_CONTENT).setHeader('X-Trackveil-Ignored', outcome.reason);
    }
  }
}
