import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiRequestTimeoutResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/access-rules.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { TrackEventDto } from './dto/track-event.dto.js';
import { TrackingService } from './tracking.service.js';

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before sending again.',
    schema: { type: 'integer' },
  },
} as const;

@ApiTags('tracking')
@Controller()
export class TrackingController {
  constructor(private readonly tracking: TrackingService) {}

  /**
   * Stores one page view or custom event. 202 (empty) once it is committed, also for a repeat of a stored
   * `event_id`; 204 with `X-Trackveil-Ignored` for traffic that is not a visit (bots, referrer spam;
   * prefetches are answered by `TrackRequestMiddleware`), which is not stored.
   */
  @Post('track')
  @Public()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Store one page view or custom event',
    description:
      'What the tracker script sends. CORS: any origin may send (its `Origin` is reflected, preflights are answered); a site that lists allowed domains refuses others with 403. Fields the server does not know are dropped, not refused. The body is at most 8 KB.',
  })
  @ApiConsumes('application/json', 'text/plain')
  @ApiQuery({
    name: 's',
    required: false,
    description:
      "The body's `site_id` again (the tracker sends it): a request refused before its body is read (prefetch, rate limit, wrong content type, too large) is then counted in that site's filtered traffic. Nothing else reads it.",
    schema: { type: 'string', format: 'uuid' },
  })
  @ApiAcceptedResponse({
    description:
      'Stored (committed before the answer), or a repeat of an `event_id` already stored. Empty body.',
  })
  @ApiNoContentResponse({
    description: 'Ignored: not a visit. Nothing stored. Empty body.',
    headers: {
      'X-Trackveil-Ignored': {
        description: 'Why the event was ignored.',
        schema: { type: 'string', enum: ['prefetch', 'bot', 'referrer_spam'] },
      },
    },
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'Invalid body; the message names each bad field.',
  })
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description: "The request's origin is not one of the site's allowed domains.",
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No active site has this `site_id`.' })
  @ApiRequestTimeoutResponse({
    description:
      'The request took longer than HTTP_REQUEST_TIMEOUT_MS (its headers longer than HTTP_HEADERS_TIMEOUT_MS) to arrive; the connection is closed. Empty body.',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'Body over 8 KB.' })
  @ApiUnsupportedMediaTypeResponse({
    type: ErrorBodyDto,
    description: 'A Content-Type other than application/json or text/plain.',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorBodyDto,
    headers: RETRY_AFTER,
    description: 'Too many events from this client address.',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorBodyDto,
    headers: RETRY_AFTER,
    description:
      'PostgreSQL unreachable or too slow, or the ingestion queue is full; retry with the same `event_id`.',
  })
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
