import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { appConfig, type AppConfig } from './config/app.config.js';
import { metricsConfig, type MetricsConfig } from './config/metrics.config.js';
import { SitesService } from './sites/sites.service.js';

/** What a person needs to know once the server listens. */
export interface StartFacts {
  /** Where this server can be reached from this machine. */
  listening: string;
  /** Whether it listens on every interface (`HOST` 0.0.0.0 or ::), not only on `listening`'s. */
  everyInterface: boolean;
  publicUrl: string;
  /** Whether `PUBLIC_URL` was set, or the default was derived from `PORT`. */
  publicUrlSet: boolean;
  demoSite?: { id: string; snippet: string; testPage?: string };
  activeSites: number;
  /** The test page's address for any site, when it is served. */
  testPage?: string;
  /** Where `/metrics` is served, when not on the main port. */
  metrics?: string;
}

const CREATE_SITE = 'npm run cli -- sites create --name "My site" --domain example.com';
const LIST_SITES = 'npm run cli -- sites list';

function everyInterface(address: AddressInfo): boolean {
  return address.address === '0.0.0.0' || address.address === '::';
}

/** `http://host:port` of a listening address; listening on every interface reads as localhost. */
export function urlOf(address: AddressInfo, port = address.port): string {
  if (everyInterface(address)) return `http://localhost:${port}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${port}`;
}

/** The plain-text block printed at the end of the start when logs are for a person. */
export function startBanner(facts: StartFacts): string {
  const rows: [string, string][] = [
    ['Listening on', `${facts.listening}${facts.everyInterface ? ' (every interface)' : ''}`],
    [
      'Public URL',
      facts.publicUrlSet
        ? facts.publicUrl
        : `${facts.publicUrl} (set PUBLIC_URL to the address browsers use)`,
    ],
    ['Dashboard', `${facts.publicUrl}/ (sign up, add your site, paste its snippet)`],
  ];
  if (facts.demoSite) {
    rows.push(['Demo site', facts.demoSite.snippet]);
    if (facts.demoSite.testPage) rows.push(['Test page', facts.demoSite.testPage]);
  } else {
    rows.push(['Add a site', CREATE_SITE]);
    if (facts.activeSites > 0) rows.push(['Your sites', LIST_SITES]);
    if (facts.testPage) rows.push(['Test page', facts.testPage]);
  }
  if (facts.metrics) rows.push(['Metrics', facts.metrics]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 3;
  return ['', 'Trackveil is running.', ...rows.map(([l, v]) => `  ${l.padEnd(width)}${v}`), '']
    .join('\n')
    .concat('\n');
}

/** Gathers the facts of the start from the listening app. */
export async function startFacts(app: INestApplication): Promise<StartFacts> {
  const config = app.get<AppConfig>(appConfig.KEY);
  const metrics = app.get<MetricsConfig>(metricsConfig.KEY);
  const sites = app.get(SitesService);
  const { demoSiteId, activeSites } = await sites.startSummary();
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    listening: urlOf(address),
    everyInterface: everyInterface(address),
    publicUrl: config.publicUrl,
    publicUrlSet: process.env.PUBLIC_URL !== undefined && process.env.PUBLIC_URL.trim() !== '',
    demoSite: demoSiteId
      ? {
          id: demoSiteId,
          snippet: sites.snippet(demoSiteId),
          testPage: config.serveTestPage ? sites.testPageUrl(demoSiteId) : undefined,
        }
      : undefined,
    activeSites,
    testPage: config.serveTestPage ? sites.testPageUrl('SITE_ID') : undefined,
    metrics: metrics.port ? `${urlOf(address, metrics.port)}/metrics` : undefined,
  };
}

/**
 * Ends the start: for a person (pretty logs), a short plain block on stdout; for a log collector
 * (JSON logs), the same facts as one JSON line, so that every line of stdout stays JSON.
 */
export async function announceStart(
  app: INestApplication,
  logger: Logger,
  pretty: boolean,
): Promise<void> {
  const facts = await startFacts(app);
  if (pretty) process.stdout.write(startBanner(facts));
  else logger.info(facts, 'Trackveil is running.');
}
