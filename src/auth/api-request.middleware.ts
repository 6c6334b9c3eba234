import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  type NestMiddleware,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import express, { type Request, type Response } from 'express';
import { authConfig } from '../config/auth.config.js';

export const MAX_API_BODY_BYTES = 64 * 1024;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const parseJson = express.json({
  limit: MAX_API_BODY_BYTES,
  strict: true,
  type: 'application/json',
});

export const CROSS_SITE_REFUSED =
  'Cross-site request refused: with a session cookie, this API accepts writes only from pages of this Trackveil server. Programs use an API key (Authorization: Bearer …).';

/**
 * In front of every `/api/…` route:
 * - CSRF: a write (POST, PUT, PATCH, DELETE) without an API key must come from a page of this
 *   server. Browsers say where a request comes from (`Origin`, `Sec-Fetch-Site`); a write from
 *   another site is refused with 403, whatever cookie it carries. (The cookie is also
 *   `SameSite=Lax`, so browsers do not send it with cross-site POSTs; this does not rely on it.)
 *   Clients that send neither header (curl, scripts) are not browsers and cannot be made to send
 *   a victim's cookie.
 * - bodies: JSON only (`application/json`, at most 64 KB). A form post, which a page of another
 *   site could send without asking, is a 415 before anything reads it.
 */
@Injectable()
export class ApiRequestMiddleware implements NestMiddleware {
  constructor(@Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>) {}

  use(req: Request, res: Response, next: (error?: unknown) => void): void {
    if (!UNSAFE_METHODS.has(req.method)) return next();
    if (req.headers.authorization === undefined && this.isCrossSite(req)) {
      return next(new ForbiddenException(CROSS_SITE_REFUSED));
    }
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody) return next();
    if (!req.is('application/json')) {
      return next(
        new UnsupportedMediaTypeException(
          'Send the body as JSON, with Content-Type: application/json.',
        ),
      );
    }
    parseJson(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        return next(
          new PayloadTooLargeException(`The body must be at most ${MAX_API_BODY_BYTES} bytes.`),
        );
      }
      if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        return next(new UnsupportedMediaTypeException('Send the body as UTF-8 JSON.'));
      }
      next(new BadRequestException('The body is not valid JSON.'));
    });
  }

  private isCrossSite(req: Request): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined) return !this.isOwnOrigin(origin, req);
    const fetchSite = req.headers['sec-fetch-site'];
    return fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none';
  }

  /** `PUBLIC_URL`'s origin, or the origin the request was sent to (behind `TRUST_PROXY`, the proxy's). */
  private isOwnOrigin(origin: string, req: Request): boolean {
    if (origin === 'null') return false;
    if (this.config.publicOrigin !== undefined && origin === this.config.publicOrigin) return true;
    const host = req.get('host');
    return host !== undefined && origin.toLowerCase() === `${req.protocol}://${host}`.toLowerCase();
  }
}
