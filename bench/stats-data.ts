/**
 * The data of `npm run bench:stats`: a site with realistic traffic, generated inside PostgreSQL
 * in a few set-based statements (INSERT … SELECT over generate_series), consistent with the
 * schema and the counter columns that ingestion keeps (see `bench/stats.bench.ts`).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

export interface GeneratedSite {
  id: string;
  /** 8 hex digits that start every generated id of the site (visitors, sessions, views, events). */
  idPrefix: string;
  host: string;
  pageViews: number;
  days: number;
  timezone: string;
}

/** How many different paths a site has; Zipf-like popularity, the first 20 named. */
const PATH_COUNT = 3000;
const HEAD_PATHS = [
  '/',
  '/pricing',
  '/blog',
  '/docs',
  '/features',
  '/about',
  '/docs/getting-started',
  '/blog/why-self-host-analytics',
  '/signup',
  '/login',
  '/contact',
  '/docs/installation',
  '/docs/api',
  '/changelog',
  '/blog/privacy-first-analytics',
  '/integrations',
  '/customers',
  '/docs/configuration',
  '/careers',
  '/security',
];

/**
 * Where visits come from, per mille: Direct 40 %, Google 28 %, a dozen others, two campaigns.
 * `source` null with referrers: the referring host is the source (an unnamed site).
 */
const SOURCES: {
  weight: number;
  source: string | null;
  referrers: string[];
  utm?: [source: string, medium: string, campaigns: string[]];
}[] = [
  { weight: 400, source: null, referrers: [] },
  {
    weight: 280,
    source: 'Google',
    referrers: ['https://www.google.com/', 'https://www.google.de/', 'https://www.google.co.uk/'],
  },
  { weight: 40, source: 'Bing', referrers: ['https://www.bing.com/'] },
  { weight: 30, source: 'DuckDuckGo', referrers: ['https://duckduckgo.com/'] },
  {
    weight: 30,
    source: 'Facebook',
    referrers: ['https://l.facebook.com/', 'https://m.facebook.com/'],
  },
  {
    weight: 30,
    source: 'Reddit',
    referrers: [
      'https://www.reddit.com/r/selfhosted/',
      'https://www.reddit.com/r/webdev/',
      'https://old.reddit.com/r/analytics/',
    ],
  },
  { weight: 20, source: 'Hacker News', referrers: ['https://news.ycombinator.com/'] },
  { weight: 20, source: 'Twitter', referrers: ['https://t.co/'] },
  { weight: 15, source: 'LinkedIn', referrers: ['https://www.linkedin.com/'] },
  {
    weight: 20,
    source: 'GitHub',
    referrers: [
      'https://github.com/trackveil/trackveil',
      'https://github.com/awesome-selfhosted/awesome-selfhosted',
    ],
  },
  { weight: 10, source: 'Ecosia', referrers: ['https://www.ecosia.org/'] },
  { weight: 10, source: 'Yahoo!', referrers: ['https://search.yahoo.com/'] },
  {
    weight: 40,
    source: 'newsletter',
    referrers: [],
    utm: ['newsletter', 'email', ['monthly-digest', 'launch-week', 'spring-sale']],
  },
  {
    weight: 20,
    source: 'google',
    referrers: ['https://www.google.com/'],
    utm: ['google', 'cpc', ['brand', 'spring-sale']],
  },
  {
    weight: 35,
    source: null,
    referrers: [
      'https://dev.to/someone/self-hosted-analytics',
      'https://medium.com/@writer/privacy-analytics',
      'https://www.indiehackers.com/post/analytics',
      'https://lobste.rs/s/abc123',
      'https://alternativeto.net/software/google-analytics/',
      'https://blog.example.org/2026/tools',
      'https://stackoverflow.com/questions/123456',
      'https://www.producthunt.com/products/trackveil',
    ],
  },
];

/** The 30 countries, most visitors first (Zipf-like by rank); 3 % of visits are not located. */
const COUNTRIES =
  'US DE GB FR IN CA NL BR ES IT PL AU SE JP CH AT BE UA CZ DK NO FI MX AR TR PT IE KR SG RO'.split(
    ' ',
  );

/** Creates an account and a site to generate into; returns the site. */
export async function createSite(
  client: pg.ClientBase,
  account: string,
  name: string,
  host: string,
  pageViews: number,
  days: number,
  timezone: string,
): Promise<GeneratedSite> {
  const { rows } = await client.query<{ id: string }>(
    `WITH account AS (INSERT INTO accounts (name) VALUES ($1) RETURNING id)
     INSERT INTO sites (account_id, name, domain, fingerprint_salt, timezone)
     SELECT id, $2, $3, $4, $5 FROM account RETURNING id`,
    [account, name, host, randomBytes(32), timezone],
  );
  return {
    id: rows[0].id,
    idPrefix: randomBytes(4).toString('hex'),
    host,
    pageViews,
    days,
    timezone,
  };
}

/**
 * The temporary helpers of the generation, on this connection: uniform numbers from a hash
 * (so that the visit's statement and its page views' statement agree without storing every
 * view), sequential ids, the paths and the sources.
 */
export async function prepareGeneration(client: pg.ClientBase): Promise<void> {
  await client.query(`
    CREATE FUNCTION pg_temp.u(n bigint, seed bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
      $$ SELECT (hashint8extended(n, seed) & 2147483647)::float8 / 2147483648 $$;
    CREATE FUNCTION pg_temp.bench_id(prefix text, kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
      $$ SELECT (prefix || '-' || lpad(to_hex(kind), 4, '0') || '-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
    -- Zipf-like (s = 1): rank r with probability ~ 1/r.
    CREATE FUNCTION pg_temp.path_rank(n bigint, k int) RETURNS int LANGUAGE sql IMMUTABLE AS
      $$ SELECT least(${PATH_COUNT}, floor(exp(pg_temp.u(n * 16 + k, 7) * ln(${PATH_COUNT + 1})))::int) $$;`);
  await client.query(
    `CREATE TEMP TABLE bench_paths (rank int PRIMARY KEY, path text NOT NULL, title text NOT NULL)`,
  );
  await client.query(
    `INSERT INTO bench_paths
     SELECT r, ($1::text[])[r], 'Page ' || r
       FROM generate_series(1, cardinality($1::text[])) r
     UNION ALL
     SELECT r, CASE r % 3 WHEN 0 THEN '/blog/post-' || r WHEN 1 THEN '/docs/guide/topic-' || r
                          ELSE '/help/articles/' || r END, 'Page ' || r
       FROM generate_series(cardinality($1::text[]) + 1, $2) r`,
    [HEAD_PATHS, PATH_COUNT],
  );
  await client.query(`CREATE TEMP TABLE bench_sources (
    idx int PRIMARY KEY, lo int NOT NULL, hi int NOT NULL, source text, referrers text[] NOT NULL,
    utm_source text, utm_medium text, utm_campaigns text[])`);
  let lo = 0;
  for (const [idx, s] of SOURCES.entries()) {
    await client.query(`INSERT INTO bench_sources VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      idx,
      lo,
      lo + s.weight,
      s.source,
      s.referrers,
      s.utm?.[0] ?? null,
      s.utm?.[1] ?? null,
      s.utm?.[2] ?? null,
    ]);
    lo += s.weight;
  }
  // One row per per-mille bucket, so that a visit finds its source by an equality join.
  await client.query(`CREATE TEMP TABLE bench_source_buckets AS
    SELECT b, idx FROM generate_series(0, ${lo - 1}) b JOIN bench_sources ON b >= lo AND b < hi`);
}

/**
 * Generates the site's traffic: visits spread over `days` days ending now, with growth, a weekly
 * and a daily cycle (in the site's timezone); ~45 % one-page visits, 1–15 views with a long tail;
 * ~30 % of visits from returning visitors (device, browser and country kept per visitor);
 * page views on Zipf-like pages; custom events on ~5 % of visits. Exactly `pageViews` page views.
 * The counters (sessions' page_view_count, exit_path, last_activity_at; visitors' totals) are set
 * here as the ingestion triggers would have set them. With `foreignKeysChecked` (not run with
 * session_replication_role = replica), visitors get their last session once the sessions exist.
 */
export async function generateSite(
  client: pg.ClientBase,
  site: GeneratedSite,
  options: { foreignKeysChecked: boolean },
): Promise<void> {
  const visitsToDraw = Math.ceil(site.pageViews / 2.4) + 10;
  // The hours of the period, each with its expected share of the visits.
  await client.query(
    `CREATE TEMP TABLE bench_raw AS
     WITH hours AS (
       SELECT h, date_trunc('hour', now()) - h * interval '1 hour' AS at
         FROM generate_series(0, $1::int * 24 - 1) h
     ), weighted AS (
       SELECT at,
              (1.3 - 0.6 * h::float8 / ($1::int * 24))                      -- growth: +85 % over the period
            * CASE WHEN extract(isodow FROM at AT TIME ZONE $3) IN (6, 7) THEN 0.6 ELSE 1 END
            * (0.12 + exp(-power(extract(hour FROM at AT TIME ZONE $3) - 14, 2) / 18)) AS w  -- daily cycle
         FROM hours
     ), buckets AS (
       SELECT at, round($2::float8 * w / sum(w) OVER ())::int AS visits FROM weighted
     )
     SELECT at + random() * interval '1 hour' AS started_at,
            CASE WHEN random() < 0.45 THEN 1
                 ELSE least(15, 2 + floor(-ln(1 - random()) * 2.2)::int) END AS views,
            (10000 + floor(random() * 110000))::int AS gap_ms,
            random() AS draw
       FROM buckets, generate_series(1, visits)`,
    [site.days, visitsToDraw, site.timezone],
  );
  // Keeps a random subset of the visits with exactly pageViews views (the last one cut short),
  // numbered in time order; a visitor number (new, or one of a pool of returning visitors).
  await client.query(
    `CREATE TEMP TABLE bench_visits AS
     WITH kept AS (
       SELECT started_at, gap_ms, least(views, $1::bigint - before)::int AS views
         FROM (SELECT *, sum(views) OVER (ORDER BY draw ROWS UNBOUNDED PRECEDING) - views AS before
                 FROM bench_raw) t
        WHERE before < $1::bigint
     ), numbered AS (
       SELECT row_number() OVER (ORDER BY started_at) AS n, * FROM kept
     ), timed AS (
       SELECT n, views, gap_ms,
              CASE WHEN started_at + (views - 1) * gap_ms * interval '1 millisecond' > now()
                   THEN now() - (views - 1) * gap_ms * interval '1 millisecond' - interval '1 second'
                   ELSE started_at END AS started_at,
              CASE WHEN pg_temp.u(n, 1) < 0.62 THEN n
                   ELSE $2::bigint + 1 + floor(pg_temp.u(n, 2) * $2::bigint * 0.06)::bigint
              END AS visitor_no
         FROM numbered
     )
     SELECT *, started_at + (views - 1) * gap_ms * interval '1 millisecond' AS ended_at
       FROM timed ORDER BY n`,
    [site.pageViews, visitsToDraw],
  );
  await client.query(`ANALYZE bench_visits`);
  // The facts of each visitor (fixed by its number) and visit (by its number).
  await client.query(
    `CREATE TEMP TABLE bench_facts AS
     WITH v AS (
       SELECT n, visitor_no, pg_temp.u(visitor_no, 11) AS ud, pg_temp.u(visitor_no, 12) AS uo,
              pg_temp.u(visitor_no, 13) AS ub, pg_temp.u(visitor_no, 14) AS uv,
              pg_temp.u(visitor_no, 15) AS us, pg_temp.u(visitor_no, 16) AS uc,
              pg_temp.u(n, 17) AS usrc, pg_temp.u(n, 18) AS uref
         FROM bench_visits
     ), d AS (
       SELECT *, CASE WHEN ud < 0.55 THEN 'desktop' WHEN ud < 0.95 THEN 'mobile' ELSE 'tablet' END AS device
         FROM v
     ), o AS (
       SELECT *, CASE device
                   WHEN 'desktop' THEN CASE WHEN uo < 0.65 THEN 'Windows' WHEN uo < 0.9 THEN 'Mac OS' ELSE 'Linux' END
                   WHEN 'mobile' THEN CASE WHEN uo < 0.6 THEN 'Android' ELSE 'iOS' END
                   ELSE CASE WHEN uo < 0.6 THEN 'iOS' ELSE 'Android' END END AS os
         FROM d
     ), b AS (
       SELECT *, CASE WHEN os IN ('iOS', 'Mac OS') THEN CASE WHEN ub < 0.7 THEN 'Safari' ELSE 'Chrome' END
                      WHEN os = 'Android' THEN CASE WHEN ub < 0.8 THEN 'Chrome' ELSE 'Samsung Internet' END
                      WHEN os = 'Windows' THEN CASE WHEN ub < 0.7 THEN 'Chrome' WHEN ub < 0.88 THEN 'Edge' ELSE 'Firefox' END
                      ELSE CASE WHEN ub < 0.6 THEN 'Firefox' ELSE 'Chrome' END END AS browser
         FROM o
     )
     SELECT n, visitor_no, device, os, browser,
            CASE os WHEN 'Windows' THEN (ARRAY['10', '11'])[1 + floor(uv * 2)::int]
                    WHEN 'Mac OS' THEN '10.15.7'
                    WHEN 'iOS' THEN (ARRAY['18.1', '17.6.1', '18.0'])[1 + floor(uv * 3)::int]
                    WHEN 'Android' THEN (ARRAY['14', '13', '15'])[1 + floor(uv * 3)::int] END AS os_version,
            CASE browser WHEN 'Chrome' THEN (ARRAY['131.0.0.0', '130.0.0.0', '129.0.0.0'])[1 + floor(uv * 3)::int]
                         WHEN 'Safari' THEN (ARRAY['18.1', '17.6', '18.0'])[1 + floor(uv * 3)::int]
                         WHEN 'Edge' THEN '131.0.0.0'
                         WHEN 'Firefox' THEN (ARRAY['133.0', '132.0'])[1 + floor(uv * 2)::int]
                         ELSE '27.0' END AS browser_version,
            CASE device WHEN 'mobile' THEN (ARRAY[390, 393, 412, 375, 360, 430])[1 + floor(us * 6)::int]
                        WHEN 'tablet' THEN (ARRAY[768, 810, 820, 1024])[1 + floor(us * 4)::int]
                        ELSE (ARRAY[1920, 1536, 1366, 1440, 2560, 1280, 1680])[1 + floor(us * 7)::int] END AS screen_width,
            CASE WHEN uc < 0.03 THEN NULL
                 ELSE ($1::text[])[least(cardinality($1::text[]), floor(exp(pg_temp.u(visitor_no, 19) * ln(cardinality($1::text[]) + 1)))::int)]
            END AS country,
            usrc, uref
       FROM b`,
    [COUNTRIES],
  );

  const prefix = site.idPrefix;
  await client.query(
    `INSERT INTO visitors (id, site_id, fingerprint_hash, first_seen_at, last_seen_at, total_visits,
                           total_page_views, last_session_id)
     SELECT pg_temp.bench_id($2, 1, visitor_no), $1::uuid,
            md5($1::text || ':a:' || visitor_no) || md5($1::text || ':b:' || visitor_no),
            min(started_at), max(ended_at), count(*), sum(views),
            CASE WHEN $3 THEN pg_temp.bench_id($2, 2, max(n)) END
       FROM bench_visits GROUP BY visitor_no`,
    [site.id, prefix, !options.foreignKeysChecked],
  );
  await client.query(
    `INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, page_view_count,
                           entry_path, exit_path, referrer_host, utm_source, utm_medium, utm_campaign,
                           source, referrer, utm_term, utm_content, browser, browser_version, os,
                           os_version, device_type, screen_width, country)
     SELECT pg_temp.bench_id($2, 2, v.n), $1, pg_temp.bench_id($2, 1, v.visitor_no), v.started_at,
            v.ended_at, v.views, pe.path, px.path, substring(r.referrer FROM '://([^/]+)'),
            s.utm_source, s.utm_medium, r.campaign,
            coalesce(s.source, substring(r.referrer FROM '://([^/]+)')), r.referrer, NULL, NULL,
            f.browser, f.browser_version, f.os, f.os_version, f.device, f.screen_width, f.country
       FROM bench_visits v
       JOIN bench_facts f ON f.n = v.n
       JOIN bench_source_buckets sb ON sb.b = floor(f.usrc * 1000)::int
       JOIN bench_sources s ON s.idx = sb.idx
       CROSS JOIN LATERAL (
         SELECT s.referrers[1 + floor(f.uref * cardinality(s.referrers))::int] AS referrer,
                s.utm_campaigns[1 + floor(f.uref * coalesce(cardinality(s.utm_campaigns), 0))::int] AS campaign
       ) r
       JOIN bench_paths pe ON pe.rank = pg_temp.path_rank(v.n, 1)
       JOIN bench_paths px ON px.rank = pg_temp.path_rank(v.n, v.views)`,
    [site.id, prefix],
  );
  await client.query(
    `INSERT INTO page_views (id, created_at, site_id, visitor_id, session_id, url, hostname, path,
                             title, referrer, referrer_host, utm_source, utm_medium, utm_campaign,
                             screen_width, screen_height, load_time_ms, browser, browser_version, os,
                             os_version, device_type)
     SELECT pg_temp.bench_id($2, 3, v.n * 16 + k),
            v.started_at + (k - 1) * v.gap_ms * interval '1 millisecond', $1,
            pg_temp.bench_id($2, 1, v.visitor_no), pg_temp.bench_id($2, 2, v.n),
            'https://' || $3 || p.path ||
              CASE WHEN k = 1 AND s.utm_source IS NOT NULL
                   THEN '?utm_source=' || s.utm_source || '&utm_medium=' || s.utm_medium || '&utm_campaign=' || s.utm_campaign
                   ELSE '' END,
            $3, p.path, p.title,
            CASE WHEN k = 1 THEN s.referrer ELSE 'https://' || $3 || pp.path END,
            CASE WHEN k = 1 THEN s.referrer_host ELSE $3 END,
            CASE WHEN k = 1 THEN s.utm_source END, CASE WHEN k = 1 THEN s.utm_medium END,
            CASE WHEN k = 1 THEN s.utm_campaign END,
            s.screen_width, CASE WHEN s.device_type = 'desktop' THEN s.screen_width * 9 / 16 ELSE s.screen_width * 2 END,
            (150 + floor(pg_temp.u(v.n * 16 + k, 31) * 2000))::int,
            s.browser, s.browser_version, s.os, s.os_version, s.device_type
       FROM bench_visits v
       JOIN sessions s ON s.id = pg_temp.bench_id($2, 2, v.n)
       CROSS JOIN LATERAL generate_series(1, v.views) k
       JOIN bench_paths p ON p.rank = pg_temp.path_rank(v.n, k)
       LEFT JOIN bench_paths pp ON k > 1 AND pp.rank = pg_temp.path_rank(v.n, k - 1)`,
    [site.id, prefix, site.host],
  );
  if (options.foreignKeysChecked) {
    await client.query(
      `UPDATE visitors v SET last_session_id = pg_temp.bench_id($2, 2, l.n)
         FROM (SELECT visitor_no, max(n) AS n FROM bench_visits GROUP BY visitor_no) l
        WHERE v.id = pg_temp.bench_id($2, 1, l.visitor_no)`,
      [site.id, prefix],
    );
  }
  // Custom events on ~5 % of the visits (a third of those send two), each on one of its pages.
  await client.query(
    `INSERT INTO events (id, created_at, site_id, visitor_id, session_id, name, props, url, hostname, path)
     SELECT pg_temp.bench_id($2, 4, v.n * 4 + j),
            v.started_at + (e.k - 1) * v.gap_ms * interval '1 millisecond', $1,
            pg_temp.bench_id($2, 1, v.visitor_no), pg_temp.bench_id($2, 2, v.n),
            CASE WHEN e.w < 0.4 THEN 'Signup' WHEN e.w < 0.7 THEN 'Download'
                 WHEN e.w < 0.9 THEN 'Outbound Link: Click' ELSE '404' END,
            CASE WHEN e.w < 0.4 THEN jsonb_build_object('plan', (ARRAY['free', 'pro', 'team'])[1 + floor(e.w / 0.4 * 3)::int])
                 WHEN e.w < 0.7 THEN jsonb_build_object('file', (ARRAY['trackveil.tar.gz', 'trackveil.zip'])[1 + floor((e.w - 0.4) / 0.3 * 2)::int])
                 WHEN e.w < 0.9 THEN jsonb_build_object('url', (ARRAY['https://github.com/trackveil/trackveil', 'https://docs.example.com/'])[1 + floor((e.w - 0.7) / 0.2 * 2)::int])
                 ELSE jsonb_build_object('path', p.path) END,
            'https://' || $3 || p.path, $3, p.path
       FROM bench_visits v
       CROSS JOIN LATERAL generate_series(1, CASE WHEN pg_temp.u(v.n, 21) < 0.33 THEN 2 ELSE 1 END) j
       CROSS JOIN LATERAL (
         SELECT 1 + floor(pg_temp.u(v.n * 4 + j, 22) * v.views)::int AS k, pg_temp.u(v.n * 4 + j, 23) AS w
       ) e
       JOIN bench_paths p ON p.rank = pg_temp.path_rank(v.n, e.k)
      WHERE pg_temp.u(v.n, 20) < 0.05`,
    [site.id, prefix, site.host],
  );
  await client.query(`DROP TABLE bench_raw, bench_visits, bench_facts`);
}

/**
 * Checks that the counters agree with the rows, as the ingestion triggers keep them: every
 * session's page_view_count, last_activity_at and exit_path; every visitor's totals.
 */
export async function checkConsistency(client: pg.ClientBase, siteId: string): Promise<string[]> {
  const { rows } = await client.query<{ problem: string; count: number }>(
    `WITH pv AS (
       SELECT session_id, count(*)::int AS views, max(created_at) AS last_at,
              (array_agg(path ORDER BY created_at DESC))[1] AS last_path,
              (array_agg(path ORDER BY created_at))[1] AS first_path
         FROM page_views WHERE site_id = $1 GROUP BY session_id
     )
     SELECT 'sessions whose page_view_count, entry/exit path or last activity disagree with their page views' AS problem,
            count(*)::int AS count
       FROM sessions s LEFT JOIN pv ON pv.session_id = s.id
      WHERE s.site_id = $1
        AND (pv.views IS DISTINCT FROM s.page_view_count OR pv.last_at IS DISTINCT FROM s.last_activity_at
             OR pv.last_path IS DISTINCT FROM s.exit_path OR pv.first_path IS DISTINCT FROM s.entry_path)
     UNION ALL
     SELECT 'visitors whose totals disagree with their sessions', count(*)::int
       FROM visitors v
       LEFT JOIN (SELECT visitor_id, count(*)::int AS visits, sum(page_view_count)::int AS views
                    FROM sessions WHERE site_id = $1 GROUP BY visitor_id) s ON s.visitor_id = v.id
      WHERE v.site_id = $1 AND (s.visits IS DISTINCT FROM v.total_visits OR s.views IS DISTINCT FROM v.total_page_views)
     UNION ALL
     SELECT 'events outside their session', count(*)::int
       FROM events e JOIN sessions s ON s.id = e.session_id
      WHERE e.site_id = $1 AND (e.created_at < s.started_at OR e.created_at > s.last_activity_at OR e.visitor_id <> s.visitor_id)`,
    [siteId],
  );
  return rows.filter((row) => row.count > 0).map((row) => `${row.count} ${row.problem}`);
}
