/// <reference lib="dom" />
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import type { Site } from '../src/sites/entities/site.entity.js';
import { browserAvailable, launchChromium, PageServer } from './utils/browser.js';
import { waitFor } from './utils/data-source.js';
import { CHROME_UA, makeSite } from './utils/factories.js';
import { TcpProxy } from './utils/tcp-proxy.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const STUB =
  '<script>window.trackveil=window.trackveil||function(){(window.trackveil.q=window.trackveil.q||[]).push(arguments)}</script>';

interface PageViewRow {
  url: string;
  title: string | null;
  referrer: string | null;
  screen_width: number;
  screen_height: number;
  browser: string;
  load_time_ms: number | null;
  visitor_id: string;
  session_id: string;
  event_id: string;
}

describe.skipIf(!browserAvailable())('the browser tracker in Chromium', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let browser: Browser;
  let apiOrigin: string;
  const pages = new PageServer();
  /** The API through a proxy a test can cut, to play an outage. */
  let apiProxy: TcpProxy;

  let site: Site;
  let context: BrowserContext;
  /** Console errors and uncaught exceptions of the host pages: there must be none. */
  let pageErrors: string[];
  /** Requests to /track, with how they were sent (fetch, xhr, ping = sendBeacon). */
  let trackRequests: { type: string; url: string }[];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    apiOrigin = `http://127.0.0.1:${port}`;
    apiProxy = new TcpProxy('127.0.0.1', port);
    await apiProxy.start();
    dataSource = dataSourceOf(app);
    await pages.start();
    browser = await launchChromium(CHROME_UA);
  });

  afterAll(async () => {
    await browser?.close();
    await pages.stop();
    await apiProxy?.cut();
    await app?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    site = await makeSite(dataSource);
    context = await browser.newContext({ screen: { width: 1280, height: 800 } });
    pageErrors = [];
    trackRequests = [];
    // On the context, so that requests a page sends while it unloads are seen too.
    context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/track') {
        trackRequests.push({ type: request.resourceType(), url: request.url() });
      }
    });
  });

  afterEach(async () => {
    await context.close();
  });

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(url);
    return page;
  }

  function snippet(attributes = ''): string {
    return `<script async src="${apiOrigin}/tracker.min.js" data-site-id="${site.id}" ${attributes}></script>`;
  }

  function hostPage(title: string, body = '', head = snippet()): string {
    return `<!doctype html><html><head><title>${title}</title>${head}</head><body>${body}</body></html>`;
  }

  function pageViews(): Promise<PageViewRow[]> {
    return dataSource.query(
      `SELECT * FROM page_views WHERE site_id = $1 ORDER BY created_at, url`,
      [site.id],
    );
  }

  async function waitForPageViews(count: number): Promise<PageViewRow[]> {
    let rows: PageViewRow[] = [];
    await waitFor(`${count} page views`, async () => {
      rows = await pageViews();
      return rows.length >= count;
    });
    return rows;
  }

  /** The browser reports a request to this process after the server may have stored it. */
  async function waitForTrackRequests(count: number): Promise<void> {
    await waitFor(`${count} requests to /track`, () => trackRequests.length >= count);
  }

  it('should store one page view with its URL, title, referrer, screen, browser and load time', async () => {
    const target = pages.set('/pricing.html', hostPage('Pricing — Example'));
    const from = pages.set(
      '/home.html',
      hostPage('Home', '<a id="go" href="/pricing.html?plan=pro">Pricing</a>', ''),
    );
    const page = await open(from);
    await Promise.all([page.waitForURL(`${target}?plan=pro`), page.click('#go')]);

    const [view] = await waitForPageViews(1);
    expect(view).toMatchObject({
      url: `${target}?plan=pro`,
      title: 'Pricing — Example',
      referrer: from,
      screen_width: 1280,
      screen_height: 800,
    });
    expect(['Chrome', 'Chromium']).toContain(view.browser);
    expect(view.load_time_ms).toBeGreaterThan(0);
    // Nothing else arrives, and the page logged no error.
    await page.waitForTimeout(300);
    expect(await pageViews()).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });

  it('should keep the visitor and the session across a reload', async () => {
    const page = await open(pages.set('/reload.html', hostPage('Reload')));
    await waitForPageViews(1);
    await page.reload();
    const [first, second] = await waitForPageViews(2);
    expect(second.visitor_id).toBe(first.visitor_id);
    expect(second.session_id).toBe(first.session_id);
    expect(second.event_id).not.toBe(first.event_id);
    expect(pageErrors).toEqual([]);
  });

  it('should count a pushState navigation in the same session, with the previous URL as referrer', async () => {
    const url = pages.set('/app.html', hostPage('App'));
    const page = await open(url);
    await waitForPageViews(1);
    await page.evaluate(() => history.pushState({}, '', '/app.html/settings'));
    // The same URL again, and a hash change, are not new page views.
    await page.evaluate(() => history.replaceState({}, '', '/app.html/settings'));
    await page.evaluate(() => {
      location.hash = '#billing';
    });
    const [first, second] = await waitForPageViews(2);
    expect(second).toMatchObject({ url: `${pages.origin}/app.html/settings`, referrer: url });
    expect(second.session_id).toBe(first.session_id);
    await page.waitForTimeout(300);
    expect(await pageViews()).toHaveLength(2);
    expect(pageErrors).toEqual([]);
  });

  it('should count hash changes with data-hash="true" and ignore history with data-spa="false"', async () => {
    const page = await open(
      pages.set('/hash.html', hostPage('Hash', '', snippet('data-hash="true"'))),
    );
    await waitForPageViews(1);
    await page.evaluate(() => {
      location.hash = '#two';
    });
    const rows = await waitForPageViews(2);
    expect(rows.map((row) => row.url)).toContain(`${pages.origin}/hash.html#two`);

    const other = await makeSite(dataSource);
    const spaOff = await open(
      pages.set(
        '/static.html',
        hostPage(
          'Static',
          '',
          snippet().replace(site.id, other.id).replace('<script', '<script data-spa="false"'),
        ),
      ),
    );
    await waitFor('the static page view', async () => {
      const [row] = await dataSource.query(
        `SELECT count(*)::int AS n FROM page_views WHERE site_id = $1`,
        [other.id],
      );
      return row.n === 1;
    });
    await spaOff.evaluate(() => history.pushState({}, '', '/static.html/next'));
    await spaOff.waitForTimeout(500);
    const [row] = await dataSource.query(
      `SELECT count(*)::int AS n FROM page_views WHERE site_id = $1`,
      [other.id],
    );
    expect(row.n).toBe(1);
  });

  it('should store custom events with their props, including calls queued before the script loaded', async () => {
    const page = await open(
      pages.set(
        '/signup.html',
        hostPage(
          'Signup',
          '<button id="buy" onclick="trackveil(\'Purchase\', { amount: 49.5, currency: \'EUR\', first: true })">Buy</button>',
          `${STUB}<script>trackveil('Signup', { plan: 'pro' })</script>${snippet()}`,
        ),
      ),
    );
    await waitForPageViews(1);
    await page.click('#buy');
    let events: { name: string; props: unknown; session_id: string }[] = [];
    await waitFor('two custom events', async () => {
      events = await dataSource.query(
        `SELECT name, props, session_id FROM events WHERE site_id = $1 ORDER BY name`,
        [site.id],
      );
      return events.length === 2;
    });
    expect(events).toMatchObject([
      { name: 'Purchase', props: { amount: 49.5, currency: 'EUR', first: true } },
      { name: 'Signup', props: { plan: 'pro' } },
    ]);
    const [view] = await pageViews();
    expect(events.every((event) => event.session_id === view.session_id)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('should deliver the page view of a visitor who navigates away right after load', async () => {
    pages.set('/next.html', hostPage('Next', '', ''));
    const page = await open(
      pages.set(
        '/bounce.html',
        hostPage(
          'Bounce',
          '',
          `${snippet()}<script>addEventListener('load', () => { location.href = '/next.html'; })</script>`,
        ),
      ),
    );
    await page.waitForURL(`${pages.origin}/next.html`);
    const [view] = await waitForPageViews(1);
    expect(view.url).toBe(`${pages.origin}/bounce.html`);
  });

  it('should deliver the page view of a visitor who leaves before the page has loaded', async () => {
    // Count sendBeacon calls where the next page (same origin, same tab) can read them.
    await context.addInitScript(() => {
      const beacon = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, data) => {
        sessionStorage.setItem('beacons', String(Number(sessionStorage.getItem('beacons')) + 1));
        return beacon(url, data);
      };
    });
    pages.set('/elsewhere.html', hostPage('Elsewhere', '', ''));
    const page = await open(
      pages.set(
        '/slow.html',
        hostPage(
          'Slow',
          '<img src="/slow.png"><script>setTimeout(() => { location.href = "/elsewhere.html"; }, 500)</script>',
        ),
      ),
    );
    await page.waitForURL(`${pages.origin}/elsewhere.html`);
    const [view] = await waitForPageViews(1);
    expect(view).toMatchObject({ url: `${pages.origin}/slow.html`, load_time_ms: null });
    // Sent while the page was being hidden: by sendBeacon.
    expect(await page.evaluate(() => sessionStorage.getItem('beacons'))).toBe('1');
  });

  it('should count a prerendered page only once it is shown', async () => {
    // Chromium prerenders only from speculation rules; play the Prerender API's part instead.
    await context.addInitScript(() => {
      let prerendering = true;
      Object.defineProperty(Document.prototype, 'prerendering', { get: () => prerendering });
      (window as unknown as { activate: () => void }).activate = () => {
        prerendering = false;
        document.dispatchEvent(new Event('prerenderingchange'));
      };
    });
    const page = await open(pages.set('/prerendered.html', hostPage('Prerendered')));
    await page.waitForTimeout(700);
    expect(await pageViews()).toEqual([]);
    await page.evaluate(() => (window as unknown as { activate: () => void }).activate());
    const [view] = await waitForPageViews(1);
    expect(view.url).toBe(`${pages.origin}/prerendered.html`);
  });

  it('should still track when localStorage throws', async () => {
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
    });
    const page = await open(pages.set('/private.html', hostPage('Private')));
    await waitForPageViews(1);
    await page.reload();
    const [first, second] = await waitForPageViews(2);
    // The traits alone keep the visitor.
    expect(second.visitor_id).toBe(first.visitor_id);
    expect(pageErrors.filter((error) => !error.includes('insecure'))).toEqual([]);
  });

  it('should send nothing when localStorage.trackveil_ignore is "true"', async () => {
    await context.addInitScript(() => localStorage.setItem('trackveil_ignore', 'true'));
    const page = await open(
      pages.set(
        '/ignored.html',
        hostPage('Ignored', '', `${STUB}<script>trackveil('Signup')</script>${snippet()}`),
      ),
    );
    await page.evaluate(() => history.pushState({}, '', '/ignored.html/two'));
    await page.evaluate(() =>
      (window as unknown as { trackveil: (name: string) => void }).trackveil('Click'),
    );
    await page.waitForTimeout(1000);
    expect(trackRequests).toEqual([]);
    expect(await pageViews()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('should honour Global Privacy Control with data-respect-dnt="true"', async () => {
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    await open(pages.set('/gpc.html', hostPage('GPC', '', snippet('data-respect-dnt="true"'))));
    await open(pages.set('/gpc-off.html', hostPage('GPC off')));
    const rows = await waitForPageViews(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await pageViews()).map((row) => row.url)).toEqual([`${pages.origin}/gpc-off.html`]);
    expect(rows).toHaveLength(1);
  });

  it('should fall back to XMLHttpRequest without sendBeacon and fetch', async () => {
    await context.addInitScript(() => {
      delete (Navigator.prototype as Partial<Navigator>).sendBeacon;
      delete (window as Partial<Window>).fetch;
    });
    await open(pages.set('/old.html', hostPage('Old browser')));
    await waitForPageViews(1);
    await waitForTrackRequests(1);
    expect(trackRequests.map((request) => request.type)).toEqual(['xhr']);
    expect(pageErrors).toEqual([]);
  });

  it('should send with fetch when sendBeacon is missing', async () => {
    await context.addInitScript(() => {
      delete (Navigator.prototype as Partial<Navigator>).sendBeacon;
    });
    await open(pages.set('/modern.html', hostPage('Modern')));
    await waitForPageViews(1);
    await waitForTrackRequests(1);
    expect(trackRequests.map((request) => request.type)).toEqual(['fetch']);
    // The site id in the query string too, for refusals the server decides before the body.
    expect(trackRequests.map((request) => new URL(request.url).search)).toEqual([`?s=${site.id}`]);
  });

  it('should not break or slow the page while the API is down, and deliver the missed views exactly once after', async () => {
    const viaProxy = snippet(`data-api="http://127.0.0.1:${apiProxy.port}/track"`);
    const body =
      '<script>addEventListener("load", () => { document.body.dataset.ready = "yes"; })</script>';
    await apiProxy.cut();
    try {
      const first = await open(pages.set('/down-1.html', hostPage('Down 1', body, viaProxy)));
      expect(await first.evaluate(() => document.body.dataset.ready)).toBe('yes');
      const loadEnd = await first.evaluate(
        () =>
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
            .loadEventEnd,
      );
      expect(loadEnd).toBeLessThan(2000);
      await first.goto(pages.set('/down-2.html', hostPage('Down 2', body, viaProxy)));
      expect(await first.evaluate(() => document.body.dataset.ready)).toBe('yes');
      await first.waitForTimeout(500);
      expect(await pageViews()).toEqual([]);
      expect(
        await first.evaluate(
          () => JSON.parse(localStorage.getItem('trackveil_queue') ?? '[]').length,
        ),
      ).toBe(2);
    } finally {
      await apiProxy.restore();
    }

    const page = await open(pages.set('/up.html', hostPage('Up', body, viaProxy)));
    const rows = await waitForPageViews(3);
    await page.waitForTimeout(500);
    const all = await pageViews();
    expect(all.map((row) => row.url).sort()).toEqual(
      ['/down-1.html', '/down-2.html', '/up.html'].map((path) => `${pages.origin}${path}`),
    );
    expect(new Set(all.map((row) => row.event_id)).size).toBe(3);
    expect(rows).toHaveLength(3);
    expect(await page.evaluate(() => localStorage.getItem('trackveil_queue'))).toBe('[]');
    // Only the refused requests of the outage were logged by the browser.
    expect(pageErrors.filter((error) => !error.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
  });
});
