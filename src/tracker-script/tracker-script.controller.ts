import { Controller, Get, HttpStatus, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiNotFoundResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/access-rules.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { appConfig } from '../config/app.config.js';
import {
  type StaticAsset,
  type TrackerFile,
  TrackerScriptService,
} from './tracker-script.service.js';

/** Browsers may use a copy for an hour and keep serving it for a day while they refresh it. */
const CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400';

const SCRIPT = {
  description: 'The script, gzipped when the client accepts it, with an ETag and Cache-Control.',
  content: { 'application/javascript': { schema: { type: 'string' as const } } },
};
const NOT_MODIFIED = {
  description: 'The `If-None-Match` ETag matches: the cached copy is current.',
};

/** Serves the tracker script to browsers (and to a CDN in front), and the test page. */
@ApiTags('tracker')
@Public()
@Controller()
export class TrackerScriptController {
  constructor(
    private readonly scripts: TrackerScriptService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  @Get('tracker.js')
  @ApiOperation({ summary: 'The tracker script, readable' })
  @ApiOkResponse(SCRIPT)
  @ApiNotModifiedResponse(NOT_MODIFIED)
  readable(@Req() req: Request, @Res() res: Response): void {
    this.sendScript('tracker.js', req, res);
  }

  @Get('tracker.min.js')
  @ApiOperation({ summary: 'The tracker script, minified (the one the snippet loads)' })
  @ApiOkResponse(SCRIPT)
  @ApiNotModifiedResponse(NOT_MODIFIED)
  minified(@Req() req: Request, @Res() res: Response): void {
    this.sendScript('tracker.min.js', req, res);
  }

  /** A page to try the snippet by hand: `/test.html?site=<site id>`. */
  @Get('test.html')
  @ApiOperation({ summary: 'A page to try the snippet by hand: /test.html?site=<site id>' })
  @ApiOkResponse({
    description: 'The test page.',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'SERVE_TEST_PAGE is false.' })
  testPage(@Req() req: Request, @Res() res: Response): void {
    if (!this.app.serveTestPage)
      throw new NotFoundException('The test page is turned off (SERVE_TEST_PAGE=false).');
    res.setHeader('Cache-Control', 'no-cache');
    send(req, res, this.scripts.testPage, 'text/html; charset=utf-8');
  }

  private sendScript(name: TrackerFile, req: Request, res: Response): void {
    const file = this.scripts.file(name);
    if (!file) {
      throw new NotFoundException(`${name} has not been built; run \`npm run build\`.`);
    }
    res.setHeader('Cache-Control', CACHE_CONTROL);
    // Any site may load it, also pages that require CORP or load it with crossorigin/SRI.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Access-Control-Allow-Origin', '*');
    send(req, res, file, 'application/javascript; charset=utf-8');
  }
}

/** Sends an asset, gzipped when the client accepts it, answering 304 to a matching ETag. */
function send(req: Request, res: Response, asset: StaticAsset, contentType: string): void {
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  // Each encoding is a different representation, so it gets its own ETag.
  const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const given = req.headers['if-none-match'];
  if (given && given.split(/\s*,\s*/).some((tag) => tag.replace(/^W\//, '') === etag)) {
    res.status(HttpStatus.NOT_MODIFIED).end();
    return;
  }
  const body = gzip ? asset.gzipped : asset.body;
  res.setHeader('Content-Type', contentType);
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.status(HttpStatus.OK).end(body);
}
