import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { browserAvailable, launchChromium, PageServer } from './utils/browser.js';
import { DESKTOP, PHONE, screenshot, seriousAccessibilityViolations } from './utils/dashboard.js';
import { waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { freePort } from './utils/free-port.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const PASSWORD = 'correct horse battery staple';

/**
 * The dashboard in Chromium, as a new site owner meets it: sign up, add a site, paste the snippet
 * into a page, see the first visit arrive, read and filter the figures. Every HTTP error the
 * pages meet must be one the test expects, and no script may fail.
 */
describe.runIf(browserAvailable())('the dashboard in Chromium', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let dataSource: DataSource;
  let browser: Browser;
  let origin: string;
  const hostPages = new PageServer();
  /** Script errors and console errors of the dashboard's pages: there must be none. */
  const problems: string[] = [];
  /** API answers of 400 and more, as `<status> <path>`; each test says which it expects. */
  let failedResponses: string[] = [];
  let owner: BrowserContext;
  /** Vic, who joins the owner's account as a viewer by invitation. */
  let viewer: BrowserContext;
  let siteId: string;
  /** The account Ann owns (her own, made at sign-up). */
  let accountId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    app = await createTestApp({
      databaseUrl: db.url,
      env: { PUBLIC_URL: origin, REGISTRATION: 'first' },
    });
    await app.listen(port, '127.0.0.1');
    dataSource = dataSourceOf(app);
    await hostPages.start();
    browser = await launchChromium(CHROME_UA);
    owner = await newContext();
  });

  afterAll(async () => {
    await browser?.close();
    await hostPages.stop();
    await app?.close();
    await db?.drop();
  });

  afterEach(() => {
    expect(problems).toEqual([]);
  });

  async function newContext(
    options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
  ): Promise<BrowserContext> {
    const context = await browser.newContext({
      viewport: options.viewport ?? DESKTOP,
      colorScheme: options.colorScheme ?? 'light',
      baseURL: origin,
    });
    context.on('page', watch);
    return context;
  }

  function watch(page: Page): void {
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${String(error)}`));
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin === origin && response.status() >= 400) {
        failedResponses.push(`${response.status()} ${url.pathname}`);
      }
    });
    page.on('console', (message) => {
      // Chromium logs every answer of 400 and more as a console error; those are checked
      // against `failedResponses` by each test instead.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(`${page.url()}: ${message.text()}`);
      }
    });
  }

  /** The figure a top-line box shows, as text. */
  function figure(page: Page, metric: string): Promise<string> {
    return page.locator(`[data-metric="${metric}"]`).innerText();
  }

  async function api<T>(page: Page, path: string): Promise<T> {
    const response = await page.request.get(`${origin}${path}`);
    expect(response.status(), path).toBe(200);
    return (await response.json()) as T;
  }

  it('should send a visitor to sign in, and let the first user sign up', async () => {
    const page = await owner.newPage();
    await page.goto('/');
    await page.waitForURL(/\/sign-in\?next=%2Fsites$/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in-desktop');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Name').fill('Ann Lee');
    await page.getByLabel('E-mail').fill('ann@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await screenshot(page, 'sign-up-desktop');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/sites$/);
    await page.getByRole('heading', { name: 'Your sites' }).waitFor();
    await page.getByText('No sites yet').waitFor();
    await screenshot(page, 'sites-empty-desktop');
    expect(failedResponses).toEqual(['401 /api/auth/session']);
    await page.close();
  });

  it('should add a site, show its snippet, and turn "installed" when the first page view arrives', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto('/sites');
    await page.getByRole('link', { name: 'Add a site' }).click();
    await page.getByLabel('Domain').fill('shop.example.com');
    await page.getByLabel('Name').fill('Example shop');
    await page.getByLabel('Timezone of the reports').selectOption('Europe/Berlin');
    await screenshot(page, 'add-site-desktop');
    await page.getByRole('button', { name: 'Add site and get the snippet' }).click();
    await page.waitForURL(/\/sites\/[0-9a-f-]{36}\/install$/);
    siteId = /\/sites\/([0-9a-f-]{36})\//.exec(page.url())![1];
    await page.getByText('Waiting for the first page view…').waitFor();
    const snippet = await page.locator('#snippet').innerText();
    expect(snippet).toBe(
      `<script async src="${origin}/tracker.min.js" data-site-id="${siteId}"></script>`,
    );
    await screenshot(page, 'install-waiting-desktop');

    // A visitor on the site: three page views and a custom event, sent by the real snippet.
    const stub =
      '<script>window.trackveil=window.trackveil||function(){(window.trackveil.q=window.trackveil.q||[]).push(arguments)}</script>';
    const host = (title: string, extra = '') =>
      `<!doctype html><html><head><title>${title}</title>${stub}${extra}${snippet}</head><body><h1>${title}</h1></body></html>`;
    const visitor = await browser.newContext();
    const shop = await visitor.newPage();
    await shop.goto(hostPages.set('/', host('Home')));
    await page.getByText('Installed ✓').waitFor({ timeout: 15_000 });
    await screenshot(page, 'install-done-desktop');
    await shop.goto(hostPages.set('/pricing.html', host('Pricing')));
    await shop.goto(
      hostPages.set(
        '/signup.html',
        host('Sign up', "<script>trackveil('Signup', { plan: 'pro' })</script>"),
      ),
    );
    await waitFor('three page views and an event', async () => {
      const [{ views, events }] = await dataSource.query(
        `SELECT (SELECT count(*) FROM page_views WHERE site_id = $1)::int AS views,
                (SELECT count(*) FROM events WHERE site_id = $1)::int AS events`,
        [siteId],
      );
      return views === 3 && events === 1;
    });
    await visitor.close();
    // A crawler on the same page: answered, not counted, and shown as filtered traffic.
    const crawler = await fetch(`${origin}/track`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      },
      body: JSON.stringify(makeEvent(siteId, { url: 'https://shop.example.com/' })),
    });
    expect(crawler.status).toBe(204);
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it('should show exactly those visitors, page views and events, as the API counts them', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto('/sites');
    await page.getByRole('link', { name: /Example shop/ }).click();
    await page.waitForURL(`${origin}/sites/${siteId}`);
    await page.locator('.chart[data-drawn="true"]').waitFor();
    expect(await figure(page, 'visitors')).toBe('1');
    expect(await figure(page, 'visits')).toBe('1');
    expect(await figure(page, 'pageviews')).toBe('3');
    expect(await figure(page, 'viewsPerVisit')).toBe('3.00');
    expect(await figure(page, 'bounceRate')).toBe('0%');
    const summary = await api<{ metrics: Record<string, number> }>(
      page,
      `/api/sites/${siteId}/stats/summary?period=30d`,
    );
    expect(summary.metrics).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, bounceRate: 0 });
    // The live figure has its own request, which may answer after the chart is drawn.
    await expect.poll(() => figure(page, 'live')).toBe('1');

    const pages = page.locator('[data-panel="Pages"] .row');
    await expect
      .poll(() => pages.allInnerTexts())
      .toEqual(['/\n1', '/pricing.html\n1', '/signup.html\n1']);
    const events = page.locator('[data-panel="Events"] .row');
    await expect.poll(() => events.allInnerTexts()).toEqual(['Signup\n1']);
    // Filtered counts are written every 5 s; the panel reads them when the page loads.
    await waitFor('the crawler counted as filtered', async () => {
      const rows = await dataSource.query(
        `SELECT count FROM filtered_traffic WHERE site_id = $1 AND reason = 'bot'`,
        [siteId],
      );
      return rows.length > 0;
    });
    await page.reload();
    const filtered = page.locator('[data-panel="Filtered traffic"] .row');
    await expect
      .poll(() => filtered.allInnerTexts(), { timeout: 20_000 })
      .toEqual(['Bots and crawlers\n1']);
    await page.locator('.chart[data-drawn="true"]').waitFor();
    await screenshot(page, 'dashboard-desktop');
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it('should filter everything by a clicked page row, keep the filter in the URL across a reload, and go back', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto(`/sites/${siteId}`);
    await page.locator('[data-panel="Pages"] .row', { hasText: '/pricing.html' }).click();
    await page.waitForURL(/filter=page%3Ais%3A%2Fpricing.html/);
    const chip = page.getByRole('list', { name: 'Filters' }).getByText('Page is /pricing.html');
    await chip.waitFor();
    const filtered = await api<{ metrics: Record<string, number> }>(
      page,
      `/api/sites/${siteId}/stats/summary?period=30d&filter=${encodeURIComponent('page:is:/pricing.html')}`,
    );
    await expect.poll(() => figure(page, 'pageviews')).toBe(String(filtered.metrics.pageviews));
    expect(await figure(page, 'visitors')).toBe(String(filtered.metrics.visitors));
    expect(filtered.metrics.pageviews).toBe(1);
    await expect
      .poll(() => page.locator('[data-panel="Pages"] .row').allInnerTexts())
      .toEqual(['/pricing.html\n1']);
    await screenshot(page, 'dashboard-filtered-desktop');

    await page.reload();
    await chip.waitFor();
    await expect.poll(() => figure(page, 'pageviews')).toBe('1');

    await page.goBack();
    await page.waitForURL(`${origin}/sites/${siteId}`);
    await expect.poll(() => figure(page, 'pageviews')).toBe('3');
    expect(await chip.count()).toBe(0);
    await page.goForward();
    await chip.waitFor();
    await page.getByRole('button', { name: 'Remove filter: Page is /pricing.html' }).click();
    await expect.poll(() => figure(page, 'pageviews')).toBe('3');
    expect(new URL(page.url()).search).toBe('');
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it('should change the figures with the period picker, and keep the period in the URL', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto(`/sites/${siteId}`);
    await expect.poll(() => figure(page, 'visitors')).toBe('1');
    await page.getByRole('combobox', { name: 'Compare with' }).selectOption('year');
    await page.waitForURL(/compare=year/);
    await page.locator('.legend').getByText('A year earlier').waitFor();
    await page.getByRole('combobox', { name: 'Compare with' }).selectOption('previous');
    await page.waitForURL(`${origin}/sites/${siteId}`);
    await page.getByRole('combobox', { name: 'Period' }).selectOption('custom');
    await page.waitForURL(/period=custom/);
    await page.getByLabel('From', { exact: true }).fill('2026-01-01');
    await page.getByLabel('To', { exact: true }).fill('2026-01-31');
    await page.waitForURL(/from=2026-01-01&to=2026-01-31/);
    await expect.poll(() => figure(page, 'pageviews')).toBe('0');
    expect(await figure(page, 'visitors')).toBe('0');
    await expect
      .poll(() => page.locator('[data-panel="Pages"] .empty').innerText())
      .toBe('No data for this period.');
    await page.getByRole('combobox', { name: 'Period' }).selectOption('realtime');
    await page.waitForURL(/period=realtime$/);
    await expect.poll(() => figure(page, 'pageviews')).toBe('3');
    expect(await page.getByRole('combobox', { name: 'Compare with' }).count()).toBe(0);
    await page.locator('.chart[data-drawn="true"]').waitFor();
    await page.getByRole('combobox', { name: 'Period' }).selectOption('day');
    await page.waitForURL(/period=day$/);
    await expect.poll(() => figure(page, 'pageviews')).toBe('3');
    await page.reload();
    expect(await page.getByRole('combobox', { name: 'Period' }).inputValue()).toBe('day');
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it('should page, search and download every row of a panel, and drill into a source', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto(`/sites/${siteId}`);
    const pagesPanel = page.locator('[data-panel="Pages"]');
    await pagesPanel.locator('.row').first().waitFor();
    await pagesPanel.getByRole('button', { name: 'Details' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pages: Top pages' });
    await dialog.getByRole('cell', { name: '/signup.html' }).waitFor();
    await dialog.getByRole('searchbox', { name: 'Search' }).fill('pric');
    await expect.poll(() => dialog.locator('tbody tr').count()).toBe(1);
    await screenshot(page, 'details-desktop');
    const href = await dialog.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toContain('format=csv');
    const csv = await page.request.get(`${origin}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('/pricing.html');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog.count()).toBe(0);

    // Every page view of the period, one line each, as many as the figures count.
    const views = await page.getByRole('link', { name: 'page views' }).getAttribute('href');
    const exported = await page.request.get(`${origin}${views}`);
    expect(exported.status()).toBe(200);
    const rows = (await exported.text()).trim().split(/\r?\n/);
    expect(rows[0]).toMatch(/^time,local_time,visitor_id,/);
    expect(rows.length - 1).toBe(Number(await figure(page, 'pageviews')));
    expect(await page.getByRole('link', { name: 'custom events' }).getAttribute('href')).toMatch(
      /\/stats\/export\/events\?period=30d/,
    );

    const sources = page.locator('[data-panel="Sources"]');
    await sources.locator('.row', { hasText: 'Direct / None' }).click();
    await page.waitForURL(/filter=source%3Ais%3A%28none%29/);
    await sources.getByRole('button', { name: 'Referrers', pressed: true }).waitFor();
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it('should break a custom event down by its properties once it is the filter', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto(`/sites/${siteId}`);
    expect(await page.locator('[data-panel="Properties"]').count()).toBe(0);
    await page.locator('[data-panel="Events"] .row', { hasText: 'Signup' }).click();
    await page.waitForURL(/filter=event%3Ais%3ASignup/);
    const properties = page.locator('[data-panel="Properties"]');
    await properties.getByRole('heading', { name: 'Properties of Signup' }).waitFor();
    await expect.poll(() => properties.locator('.row').allInnerTexts()).toEqual(['pro\n1']);
    await properties.locator('.row', { hasText: 'pro' }).click();
    await page.waitForURL(/filter=prop.plan%3Ais%3Apro/);
    await page.getByRole('list', { name: 'Filters' }).getByText('Property plan is pro').waitFor();
    await expect.poll(() => figure(page, 'visitors')).toBe('1');
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it("should not show another account's site, whatever its URL", async () => {
    failedResponses = [];
    const other = await makeSite(dataSource, { name: 'Someone else' });
    const page = await owner.newPage();
    await page.goto(`/sites/${other.id}`);
    await page.getByRole('heading', { name: 'Site not found' }).waitFor();
    expect(await page.getByText('Someone else').count()).toBe(0);
    await page.goto(`/sites/${other.id}/install`);
    await page.getByRole('alert').waitFor();
    expect(await page.locator('#snippet').count()).toBe(0);
    expect(failedResponses).toEqual([`404 /api/sites/${other.id}`, `404 /api/sites/${other.id}`]);
    await page.close();
  });

  it('should let an invited viewer join from the link, and see the sites but not manage them', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto('/sites');
    const session = await api<{ memberships: { accountId: string }[] }>(page, '/api/auth/session');
    const invited = await page.request.post(
      `${origin}/api/accounts/${session.memberships[0].accountId}/invitations`,
      { headers: { Origin: origin }, data: { email: 'vic@example.com', role: 'viewer' } },
    );
    expect(invited.status()).toBe(201);
    const { link } = (await invited.json()) as { link: string };
    expect(link).toMatch(new RegExp(`^${origin}/invitations/accept#token=`));
    await page.close();

    viewer = await newContext();
    const invitation = await viewer.newPage();
    await invitation.goto(link);
    await invitation.getByRole('heading', { name: 'Join Ann Lee' }).waitFor();
    // The token leaves the address bar (and so the history) at once.
    expect(invitation.url()).toBe(`${origin}/invitations/accept`);
    await invitation.getByText('invites vic@example.com to Ann Lee as a viewer').waitFor();
    await invitation.getByLabel('Your name').fill('Vic');
    await invitation.getByLabel('Choose a password').fill(PASSWORD);
    await screenshot(invitation, 'accept-invitation-desktop');
    await invitation.getByRole('button', { name: 'Accept the invitation' }).click();
    await invitation.waitForURL(`${origin}/sites`);
    await invitation.getByRole('link', { name: /Example shop/ }).waitFor();
    expect(await invitation.getByRole('link', { name: 'Add a site' }).count()).toBe(0);
    expect(await invitation.getByText('Vic', { exact: true }).count()).toBe(1);
    await invitation.goto('/sites/new');
    await invitation.getByText('Only the owners and admins of an account can add sites.').waitFor();
    // The guest's session probe before accepting.
    expect(failedResponses).toEqual(['401 /api/auth/session']);
    await invitation.close();
  });

  it("should let an admin change the site's settings and goals, and show the goal's conversions", async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto(`/sites/${siteId}`);
    // A click while the figures arrive can land beside the link as the head's layout shifts (a
    // CI run under load timed out waiting for the settings page): click once the dashboard drew.
    await page.locator('.chart[data-drawn="true"]').waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`${origin}/sites/${siteId}/settings`);
    await page.getByLabel('Keep raw page views for (months)').fill('24');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const [row] = await dataSource.query('SELECT retention_months FROM sites WHERE id = $1', [
      siteId,
    ]);
    expect(row.retention_months).toBe(24);

    await page.getByLabel('Event name').fill('Signup');
    await page.getByRole('button', { name: 'Add goal' }).click();
    await page.getByRole('button', { name: 'Delete goal Signup' }).waitFor();
    await screenshot(page, 'site-settings-desktop');

    await page.getByRole('link', { name: '← Example shop' }).click();
    const goal = page.locator('[data-panel="Goals"] .row');
    await expect.poll(() => goal.allInnerTexts()).toEqual(['Signup\n1 · 100%']);
    await goal.click();
    await page.getByRole('list', { name: 'Filters' }).getByText('Goal is Signup').waitFor();
    await page.waitForURL(/filter=goal%3Ais%3ASignup/);
    await expect.poll(() => figure(page, 'visitors')).toBe('1');
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it('should keep a viewer out of the settings', async () => {
    failedResponses = [];
    const page = await viewer.newPage();
    await page.goto(`/sites/${siteId}`);
    await page.locator('.chart[data-drawn="true"]').waitFor();
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.goto(`/sites/${siteId}/settings`);
    await page
      .getByText("Only the owners and admins of this site's account can change its settings.")
      .waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(failedResponses).toEqual([]);

    // The session ends elsewhere (signed out on another device): the next request sends the
    // viewer to sign in, and back to where they were afterwards.
    await page.goto(`/sites/${siteId}`);
    await page.locator('.chart[data-drawn="true"]').waitFor();
    await dataSource.query(
      `DELETE FROM user_sessions WHERE user_id = (SELECT id FROM users WHERE email = 'vic@example.com')`,
    );
    // The next request finds the session gone: choosing a period asks for new figures, unless a
    // request the page makes by itself (the live visitors) gets there first.
    await page
      .getByRole('combobox', { name: 'Period' })
      .selectOption('7d', { timeout: 5_000 })
      .catch(() => undefined);
    const back = `/sites/${siteId}`;
    await page.waitForURL(
      (url) =>
        url.pathname === '/sign-in' &&
        [back, `${back}?period=7d`].includes(url.searchParams.get('next') ?? ''),
    );
    const next = new URL(page.url()).searchParams.get('next')!;
    await page.getByLabel('E-mail').fill('vic@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}${next}`);
    await expect.poll(() => figure(page, 'visitors')).toBe('1');
    await page.close();
  });

  it('should delete a site only once its domain is typed, with everything it holds', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto('/sites');
    const session = await api<{ memberships: { accountId: string }[] }>(page, '/api/auth/session');
    const created = await page.request.post(
      `${origin}/api/accounts/${session.memberships[0].accountId}/sites`,
      {
        headers: { Origin: origin },
        data: { name: 'Old blog', domain: 'old.example.com' },
      },
    );
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // A site without traffic says so, and where its snippet is.
    await page.goto(`/sites/${id}`);
    await page.getByText('No page view has arrived yet.').waitFor();
    expect(await figure(page, 'visitors')).toBe('0');
    await page.getByRole('link', { name: 'Add the snippet to the site' }).waitFor();
    await page.goto(`/sites/${id}/settings`);
    const remove = page.getByRole('button', { name: 'Delete Old blog' });
    await page.getByLabel('Type old.example.com to confirm').fill('old.example');
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel('Type old.example.com to confirm').fill('old.example.com');
    await remove.click();
    await page.waitForURL(`${origin}/sites`);
    await page.getByRole('link', { name: /Example shop/ }).waitFor();
    expect(await page.getByRole('link', { name: /Old blog/ }).count()).toBe(0);
    const rows = await dataSource.query('SELECT deleted_at FROM sites WHERE id = $1', [id]);
    expect(rows.length === 0 || rows[0].deleted_at !== null).toBe(true);
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it("should manage the account's members and API keys, and show owners the audit log", async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto('/sites');
    await page.getByRole('link', { name: 'Members, API keys and settings' }).click();
    await page.waitForURL(/\/accounts\/[0-9a-f-]{36}$/);
    accountId = /\/accounts\/([0-9a-f-]{36})$/.exec(page.url())![1];
    await page.getByRole('cell', { name: 'Vic · vic@example.com' }).waitFor();
    await page.getByRole('combobox', { name: 'Role of Vic' }).selectOption('admin');
    const role = () =>
      dataSource
        .query(
          `SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.account_id = $1 AND u.email = 'vic@example.com'`,
          [accountId],
        )
        .then((rows: { role: string }[]) => rows[0]?.role);
    await expect.poll(role).toBe('admin');
    await page.getByRole('combobox', { name: 'Role of Vic' }).selectOption('viewer');
    await expect.poll(role).toBe('viewer');

    await page.getByLabel('Key name').fill('Weekly report');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-key').innerText();
    expect(key).toMatch(/^tvk_/);
    await screenshot(page, 'account-desktop');
    const withKey = (path: string) =>
      page.request.get(`${origin}${path}`, { headers: { Authorization: `Bearer ${key}` } });
    expect((await withKey(`/api/sites/${siteId}/stats/summary`)).status()).toBe(200);
    await page.reload();
    await page.getByText('Weekly report').waitFor();
    expect(await page.getByText(key).count()).toBe(0);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke the key Weekly report' }).click();
    await expect.poll(() => page.getByText('Weekly report').count()).toBe(0);
    expect((await withKey(`/api/sites/${siteId}/stats/summary`)).status()).toBe(401);

    await page.getByLabel('Account name').fill('Ann Lee Ltd');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ann Lee Ltd' }).waitFor();
    await page.getByLabel('Account name').fill('Ann Lee');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ann Lee', exact: true }).waitFor();

    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'api_key.revoked' }).first().waitFor();
    await page.getByRole('cell', { name: 'member.role_changed' }).first().waitFor();
    expect(failedResponses).toEqual([]);
    await page.close();
  });

  it('should change the password with the current one, and list the sessions', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto('/sites');
    await page.getByRole('link', { name: 'Ann Lee' }).click();
    await page.waitForURL(`${origin}/profile`);
    await page.getByText('This browser').waitFor();
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password').fill(`${PASSWORD} 2`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Changed. Every other session of yours has been signed out.').waitFor();
    await screenshot(page, 'profile-desktop');
    const signIn = await page.request.post(`${origin}/api/auth/sign-in`, {
      headers: { Origin: origin },
      data: { email: 'ann@example.com', password: `${PASSWORD} 2` },
    });
    expect(signIn.status()).toBe(200);
    // The wrong current password.
    expect(failedResponses).toEqual(['400 /api/auth/password']);
    await page.close();
  });

  it('should show a shared link its one site read-only, behind its password when it has one, until revoked', async () => {
    failedResponses = [];
    const page = await owner.newPage();
    await page.goto(`/sites/${siteId}/settings`);
    const createLink = async (name: string, password?: string) => {
      await page.getByLabel('Link name').fill(name);
      await page.getByLabel('Password (optional)').fill(password ?? '');
      await page.getByRole('button', { name: 'Create link' }).click();
      await page.getByRole('status').getByText(`The link ${name}.`).waitFor();
      return page.getByTestId('new-shared-link').innerText();
    };
    const open = await createLink('Investors');
    expect(open).toMatch(new RegExp(`^${origin}/share/[A-Za-z0-9_-]{43}$`));
    const guarded = await createLink('Board', 'board meeting 2027');
    await screenshot(page, 'shared-links-settings-desktop');
    expect(failedResponses).toEqual([]);

    const stranger = await newContext();
    const shared = await stranger.newPage();
    await shared.goto(open);
    await shared.getByRole('heading', { level: 1, name: 'Example shop' }).waitFor();
    await expect.poll(() => figure(shared, 'pageviews')).toBe('3');
    expect(await shared.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    expect(await shared.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await shared.locator('[data-panel="Pages"] .row', { hasText: '/pricing.html' }).click();
    await shared.waitForURL(`${open}?filter=page%3Ais%3A%2Fpricing.html`);
    await expect.poll(() => figure(shared, 'pageviews')).toBe('1');
    await shared.locator('.chart[data-drawn="true"]').waitFor();
    await screenshot(shared, 'shared-dashboard-desktop');
    expect(await seriousAccessibilityViolations(shared)).toEqual([]);
    // Nothing else of the account: its sites list asks to sign in.
    await shared.goto('/sites');
    await shared.waitForURL(/\/sign-in\?next=%2Fsites$/);

    await shared.goto(guarded);
    await shared.getByRole('heading', { name: 'This dashboard is protected' }).waitFor();
    await shared.getByLabel('Password').fill('board meeting 2026');
    await shared.getByRole('button', { name: 'Open the dashboard' }).click();
    await shared
      .getByRole('alert')
      .getByText('The password of this shared link is not right.')
      .waitFor();
    await shared.getByLabel('Password').fill('board meeting 2027');
    await shared.getByRole('button', { name: 'Open the dashboard' }).click();
    await expect.poll(() => figure(shared, 'pageviews')).toBe('3');
    await shared.reload();
    await expect.poll(() => figure(shared, 'pageviews')).toBe('3');

    await page.getByRole('button', { name: 'Revoke the shared link Investors' }).click();
    await expect.poll(() => page.getByText('Investors').count()).toBe(0);
    await shared.goto(open);
    await shared.getByText('This shared link does not exist or was revoked.').waitFor();
    // The session probes of the stranger, the wrong password, the revoked link.
    expect([...new Set(failedResponses)].sort()).toEqual(
      ['401 /api/auth/session', '401 /api/shared-links/open', '404 /api/shared-links/open'].sort(),
    );
    // The owner's audit log names the link that read the stats.
    await page.goto(`/accounts/${accountId}`);
    await page
      .getByRole('cell', { name: /^Shared link [0-9a-f]{8}$/ })
      .first()
      .waitFor();
    expect(await page.getByRole('cell', { name: 'someone' }).count()).toBe(0);
    await stranger.close();
    await page.close();
  });

  describe.each(['light', 'dark'] as const)('in the %s theme', (colorScheme) => {
    it.each([
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const)(
      'should show the main pages at %s width with no serious accessibility violation',
      async (width, viewport) => {
        failedResponses = [];
        const signedOut = await newContext({ viewport, colorScheme });
        const signedIn = await newContext({ viewport, colorScheme });
        await signedIn.addCookies(await owner.cookies());
        const pages: [BrowserContext, string, string, string][] = [
          [signedOut, 'sign-in', '/sign-in', 'Sign in'],
          [signedOut, 'sign-up', '/sign-up', 'Sign up'],
          [signedOut, 'reset-password', '/reset-password', 'Reset your password'],
          [signedIn, 'sites', '/sites', 'Your sites'],
          [signedIn, 'add-site', '/sites/new', 'Add a site'],
          [signedIn, 'install', `/sites/${siteId}/install`, 'Add the snippet to Example shop'],
          [signedIn, 'dashboard', `/sites/${siteId}`, 'Example shop'],
          [signedIn, 'settings', `/sites/${siteId}/settings`, 'Settings of Example shop'],
          [signedIn, 'profile', '/profile', 'Ann Lee'],
          [signedIn, 'account', `/accounts/${accountId}`, 'Ann Lee'],
        ];
        const violations: Record<string, unknown> = {};
        const overflow: Record<string, number> = {};
        for (const [context, name, path, heading] of pages) {
          const page = await context.newPage();
          await page.goto(path);
          await page.getByRole('heading', { level: 1, name: heading }).waitFor();
          if (name === 'dashboard') {
            await page.locator('.chart[data-drawn="true"]').waitFor();
            await page.locator('.figures').waitFor();
          }
          // Every panel and list filled: the screenshot shows the page as it settles.
          await page.waitForFunction(() => document.querySelectorAll('.loading').length === 0);
          if (name === 'sites') await page.locator('.sparkline polyline').waitFor();
          await page.evaluate(() => document.fonts.ready);
          await screenshot(page, `${name}-${width}-${colorScheme}`);
          // Nothing wider than the screen: a phone scrolls down, never sideways.
          const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          if (pageWidth > viewport.width) overflow[name] = pageWidth;
          const found = await seriousAccessibilityViolations(page);
          if (found.length > 0) violations[name] = found;
          await page.close();
        }
        expect(violations).toEqual({});
        expect(overflow).toEqual({});
        // Signed out, the session probe is a 401 (and sign-up's registration policy is public).
        expect([...new Set(failedResponses)]).toEqual(['401 /api/auth/session']);
        await signedOut.close();
        await signedIn.close();
      },
    );
  });
});
