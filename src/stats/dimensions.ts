/**
 * What the stats can group and filter by. Each dimension belongs to one level:
 * - `visit`: a fact of the visit, fixed when it starts (entry page, source, country, device…);
 * - `page`: a fact of each page view (the page and hostname it was on);
 * - `event`: a fact of a custom event (its name, a property).
 * Goals are their own kind of filter (see `StatsQueryBuilder`).
 */

export type DimensionLevel = 'visit' | 'page' | 'event';

export interface Dimension {
  name: string;
  level: DimensionLevel;
  /** The SQL expression of the value, over `s` (sessions), `p` (page_views) or `e` (events). */
  sql: string;
  /** `*` in `is`/`is_not` values matches any run of characters (page paths). */
  wildcards: boolean;
  description: string;
  /**
   * The dimension this one drills down from (`source` for `referrer`): the rollups keep its
   * value beside this one's, so a breakdown of this one filtered on that one reads them.
   */
  parent?: string;
}

/**
 * Screen size classes by CSS pixel width, as Plausible and most analytics tools draw them:
 * below 576 a phone, below 992 a tablet, below 1440 a laptop, else a desktop screen.
 */
export const SCREEN_CLASS_SQL = `CASE WHEN s.screen_width IS NULL THEN NULL
  WHEN s.screen_width < 576 THEN 'mobile' WHEN s.screen_width < 992 THEN 'tablet'
  WHEN s.screen_width < 1440 THEN 'laptop' ELSE 'desktop' END`;

function visit(
  name: string,
  sql: string,
  description: string,
  options: { wildcards?: boolean; parent?: string } = {},
): Dimension {
  return {
    name,
    level: 'visit',
    sql,
    wildcards: options.wildcards ?? false,
    description,
    parent: options.parent,
  };
}

/** Every dimension but `prop.<key>`, which the rollups keep too. */
export const FIXED_DIMENSIONS: Dimension[] = [
  { name: 'page', level: 'page', sql: 'p.path', wildcards: true, description: 'The page path.' },
  {
    name: 'hostname',
    level: 'page',
    sql: 'p.hostname',
    wildcards: false,
    description: 'The host the page was on.',
  },
  visit('entry_page', 's.entry_path', 'The first page of the visit.', { wildcards: true }),
  visit('exit_page', 's.exit_path', 'The last page of the visit.', { wildcards: true }),
  visit(
    'source',
    's.source',
    'Where the visit came from: a named source ("Google"), its utm_source, or the referring host; null is "Direct / None".',
  ),
  visit('referrer', 's.referrer', 'The referring URL (without query string) of the visit.', {
    parent: 'source',
  }),
  visit('utm_source', 's.utm_source', 'utm_source of the first page of the visit.'),
  visit('utm_medium', 's.utm_medium', 'utm_medium of the first page of the visit.'),
  visit('utm_campaign', 's.utm_campaign', 'utm_campaign of the first page of the visit.'),
  visit('utm_term', 's.utm_term', 'utm_term of the first page of the visit.'),
  visit('utm_content', 's.utm_content', 'utm_content of the first page of the visit.'),
  visit('browser', 's.browser', 'The browser.'),
  visit('browser_version', 's.browser_version', 'The browser version (filter by browser too).', {
    parent: 'browser',
  }),
  visit('os', 's.os', 'The operating system.'),
  visit('os_version', 's.os_version', 'The operating system version (filter by os too).', {
    parent: 'os',
  }),
  visit(
    'device',
    's.device_type',
    'desktop, mobile, tablet, console, smarttv, wearable, embedded or xr.',
  ),
  visit('screen', SCREEN_CLASS_SQL, 'Screen size class: mobile, tablet, laptop or desktop.'),
  visit('country', 's.country', 'ISO 3166-1 alpha-2 country code.'),
  {
    name: 'event',
    level: 'event',
    sql: 'e.name',
    wildcards: false,
    description: 'The name of a custom event.',
  },
];

const BY_NAME = new Map(FIXED_DIMENSIONS.map((dimension) => [dimension.name, dimension]));

/** `prop.<key>`: a custom event property; the key may hold any character but `:`. */
export const PROP_PREFIX = 'prop.';

export const DIMENSION_NAMES = [...BY_NAME.keys(), `${PROP_PREFIX}<key>`];

/** The dimension called `name`, or undefined. `prop.<key>` dimensions read the key as a literal. */
export function dimensionNamed(name: string): Dimension | undefined {
  const fixed = BY_NAME.get(name);
  if (fixed) return fixed;
  if (name.startsWith(PROP_PREFIX) && name.length > PROP_PREFIX.length && !name.includes(':')) {
    const key = name.slice(PROP_PREFIX.length);
    return {
      name,
      level: 'event',
      // The key is bound as a parameter by the query builder (see `propKey`).
      sql: 'e.props ->> %KEY%',
      wildcards: false,
      description: `The value of the custom event property "${key}".`,
    };
  }
  return undefined;
}

/** The property key of a `prop.<key>` dimension, or undefined for the others. */
export function propKey(dimension: Dimension): string | undefined {
  return dimension.name.startsWith(PROP_PREFIX) && !BY_NAME.has(dimension.name)
    ? dimension.name.slice(PROP_PREFIX.length)
    : undefined;
}
