/**
 * The browser half of `npm run bench:stats` (issue 13): loads the web dashboard of the generated
 * site in Chromium, as its owner, and times what a person waits for: the figures, the chart
 * drawn, and every panel filled, from the start of the navigation. Each load is a new page (no
 * data cached in the app; its hashed files come from the browser cache after the first, as for
 * someone who comes back).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { hashToken } from '../src/auth/secret-token.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export interface LoadTimes {
  figures: number;
  chart: number;
  panels: number;
}

export interface DashboardLoadResult {
  view: string;
  loads: (LoadTimes | { failed: string })[];
}

/** A signed-in owner of the site's account, made in SQL: the session cookie's value and cleanup. */
async function signedInOwner(
  client: pg.Client,
  siteId: string,
): Promise<{ token: string; remove: () => Promise<void> }> {
  const token = randomBytes(32).toString('base64url');
  const email = `bench-dashboard-${randomBytes(4).toString('hex')}@example.invalid`;
  const { rows } = await client.query<{ id: string }>(
    `WITH u AS (INSERT INTO users (email, name) VALUES ($1, 'bench:dashboard') RETURNING id),
          m AS (INSERT INTO memberships (account_id, user_id, role)
                SELECT s.account_id, u.id, 'viewer' FROM sites s, u WHERE s.id = $2)
     INSERT INTO user_sessions (user_id, token_hash, last_seen_at, expires_at)
     SELECT id, $3, now(), now() + interval '1 day' FROM u RETURNING user_id AS id`,
    [email, siteId, hashToken(token)],
  );
  const userId = rows[0].id;
  return {
    token,
    remove: async () => {
      await client.query('DELETE FROM users WHERE id = $1', [userId]);
    },
  };
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Times `repeat` loads (after one warm-up) of each view: `?period=…&filter=…` of the site's dashboard. */
export async function measureDashboardLoads(options: {
  databaseUrl: string;
  origin: string;
  siteId: string;
  views: { name: string; query: string }[];
  repeat: number;
  timeoutMs: number;
}): Promise<DashboardLoadResult[]> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const owner = await signedInOwner(client, options.siteId);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', `--user-agent=${CHROME_UA}`],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { hostname } = new URL(options.origin);
    await context.addCookies([
      {
        name: 'trackveil_session',
        value: owner.token,
        domain: hostname,
        path: '/',
        httpOnly: true,
      },
    ]);
    const results: DashboardLoadResult[] = [];
    for (const view of options.views) {
      const loads: DashboardLoadResult['loads'] = [];
      for (let i = 0; i <= options.repeat; i += 1) {
        const page = await context.newPage();
        try {
          const url = `${options.origin}/sites/${options.siteId}?${view.query}`;
          await page.goto(url, { waitUntil: 'commit', timeout: options.timeoutMs });
          await page
            .locator('.figures [data-metric="visitors"]')
            .waitFor({ timeout: options.timeoutMs });
          await page.locator('.chart[data-drawn="true"]').waitFor({ timeout: options.timeoutMs });
          // Every panel shown, and none still loading (selectors, not a function: the page's
          // CSP allows no evaluated script, which polling a function needs).
          await page.locator('.panel').first().waitFor({ timeout: options.timeoutMs });
          await page.waitForSelector('.panel .loading', {
            state: 'detached',
            timeout: options.timeoutMs,
          });
          const panels = await page.evaluate<number>('performance.now()');
          // Milliseconds from the navigation's start, as the page measured them: the app marks
          // when the figures were first shown and the chart first drawn.
          const times = {
            figures: Number(await page.locator('.figures').getAttribute('data-shown-at')),
            chart: Number(await page.locator('.chart').getAttribute('data-drawn-at')),
            panels,
          };
          if (i > 0) loads.push(times);
        } catch (error) {
          if (i > 0)
            loads.push({
              failed: error instanceof Error ? error.message.split('\n')[0] : String(error),
            });
        } finally {
          await page.close();
        }
      }
      results.push({ view: view.name, loads });
    }
    return results;
  } finally {
    await browser.close();
    await owner.remove().catch(() => undefined);
    await client.end();
  }
}
