/**
 * The definitions of the stats, as the OpenAPI document's `stats` tag states them (the README's
 * "Stats: definitions" says the same at more length).
 */
export const STATS_DEFINITIONS = [
  "All periods, days and buckets are in the site's timezone.",
  '**Unique visitors**: distinct visitors with a page view in the period (or bucket, or row); over several days read from the rollups, an estimate from HyperLogLog sketches within about 1 % (every other number is exact).',
  '**Visits**: sessions that started in the period; a visit belongs to the period, hour or day it started in, also when it runs past midnight.',
  '**Page views**: page views in the period.',
  '**Views per visit**: page views of the counted visits ÷ visits (two decimals).',
  '**Bounce rate**: percent of the counted visits with one page view or none (whole number).',
  '**Visit duration**: last activity − start, averaged over the counted visits (whole seconds).',
  '**Breakdown rows**: for a visit dimension, the visitors and page views of the page views whose visit has the value, and the visits that started with it; for page and hostname, the visitors, visits (counted once per local day they viewed it) and page views of that page; for event and prop.<key>, the visitors who sent it, the events, and the conversion rate (those visitors ÷ every visitor of the period under the non-event filters).',
  '**Filters**: a visit filter keeps matching visits with their page views and events; a page filter keeps matching page views and the visits that have one; an event or goal filter keeps the visits with a matching event or conversion.',
  '**Custom events** count only in the event breakdowns and goals; bots, prefetches, referrer spam and refused events are not counted (see filtered-traffic).',
  "**Freshness**: figures without filters or under visit and page filters come from daily rollups and day columns refreshed every STATS_ROLLUP_INTERVAL_SECONDS (default 60), so today's lag by up to that long; realtime does not lag, nor does a period that includes today and holds at most STATS_RAW_MAX_PAGEVIEWS page views (default 10,000), which is read from the raw rows.",
].join('\n\n');
