import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Account } from '../../src/accounts/entities/account.entity.js';
import { Site } from '../../src/sites/entities/site.entity.js';

export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export async function makeSite(
  dataSource: DataSource,
  overrides: Partial<Site> = {},
): Promise<Site> {
  const account = await dataSource
    .getRepository(Account)
    .save({ name: overrides.name ?? `Account ${randomUUID().slice(0, 8)}` });
  return dataSource.getRepository(Site).save({
    accountId: account.id,
    name: 'Test site',
    domain: 'example.com',
    allowedDomains: [],
    fingerprintSalt: randomBytes(32),
    isActive: true,
    ...overrides,
  });
}

/** A valid `/track` body for the site, with a fresh fingerprint unless given. */
export function makeEvent(
  siteId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    site_id: siteId,
    url: 'https://example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
    title: 'Pricing — Example',
    referrer: 'https://news.ycombinator.com/item?id=1',
    screen_width: 1920,
    screen_height: 1080,
    fingerprint: `fp-${randomUUID()}`,
    load_time_ms: 420,
    ...overrides,
  };
}

/** Row counts of the traffic tables for one site. */
export async function countRows(
  dataSource: DataSource,
  siteId: string,
): Promise<{ visitors: number; sessions: number; pageViews: number }> {
  const [row]: { visitors: number; sessions: number; page_views: number }[] =
    await dataSource.query(
      `SELECT (SELECT count(*)::int FROM visitors WHERE site_id = $1) AS visitors,
            (SELECT count(*)::int FROM sessions WHERE site_id = $1) AS sessions,
            (SELECT count(*)::int FROM page_views WHERE site_id = $1) AS page_views`,
      [siteId],
    );
  return { visitors: row.visitors, sessions: row.sessions, pageViews: row.page_views };
}
