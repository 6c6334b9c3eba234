import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { projectRoot } from '../common/project-files.js';

/** Paths the server answers itself; the dashboard never takes them over. */
const SERVER_PATHS = [
  /^\/api(\/|$)/,
  /^\/track\/?$/,
  /^\/health(\/|$)/,
  /^\/metrics\/?$/,
  /^\/tracker(\.min)?\.js$/,
  /^\/test\.html$/,
];

/**
 * The dashboard's own pages (its client-side routes, `dashboard/src/app.tsx`), answered 200 with
 * the app. Any other path a browser asks for gets the app too, so it can say "page not found", but
 * with the status 404. The browser tests load every one of these and fail on a 404.
 */
const PAGES = [
  /^\/$/,
  /^\/sign-in$/,
  /^\/sign-up$/,
  /^\/reset-password$/,
  /^\/invitations\/accept$/,
  /^\/sites$/,
  /^\/profile$/,
  /^\/accounts\/[^/]+$/,
  /^\/share\/[^/]+$/,
  /^\/sites\/new$/,
  /^\/sites\/[^/]+(\/install|\/settings)?$/,
];

/**
 * The dashboard's pages may load only this server's scripts, styles and data, and nobody may
 * frame them. Inline styles are allowed (React's `style` attribute draws the breakdown bars);
 * inline scripts are not.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the dashboard (Vite's output). */
export const DASHBOARD_DIR = join(projectRoot(), 'dist', 'dashboard');

/**
 * Serves the dashboard built by `npm run build`. Its files are public (like the API document);
 * the data they show comes through the guarded API.
 * - `/assets/…`: files whose names carry their content hash, cached for a year (`immutable`);
 *   a missing one is a 404, never the page.
 * - the app's pages (`PAGES`), and any other path a browser navigates to (`Accept: text/html`)
 *   but the server's own: `index.html`, `no-cache`, so a deploy is seen at the next load.
 * A Nest middleware rather than an Express one so the request log sees these requests too.
 */
@Injectable()
export class DashboardMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Dashboard');
  private readonly index: Buffer | undefined;
  private readonly assets: RequestHandler;

  constructor() {
    const indexPath = join(DASHBOARD_DIR, 'index.html');
    if (existsSync(indexPath)) {
      this.index = readFileSync(indexPath);
    } else {
      this.logger.warn(`The dashboard is not built (${indexPath} is missing): run npm run build.`);
    }
    this.assets = express.static(join(DASHBOARD_DIR, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      redirect: false,
      fallthrough: false,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Nest mounts middleware on a path, so `req.path` and `req.url` are relative to it.
    const url = new URL(req.originalUrl, 'http://dashboard');
    const path = url.pathname;
    if (path.startsWith('/assets/')) {
      req.url = `${path.slice('/assets'.length)}${url.search}`;
      void this.assets(req, res, next);
      return;
    }
    if (!this.index || SERVER_PATHS.some((pattern) => pattern.test(path))) return next();
    const page = PAGES.some((pattern) => pattern.test(path));
    if (!page && !(req.headers.accept ?? '').includes('text/html')) return next();
    res.status(page ? 200 : 404);
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(this.index);
  }
}
