/**
 * `npm run build && node dist/bench/referrer-sources.bench.js`: what naming the source of an
 * event costs `/track`, per call, in-process, for the kinds of referrer it meets.
 */
import { ReferrerSources, type SourceQuery } from '../src/referrer-sources/referrer-sources.js';

const CALLS = 1_000_000;
const ROUNDS = 5;

const page = 'www.example.com';
const CASES: [string, SourceQuery][] = [
  [
    'listed host (www.google.co.uk)',
    { referrerHost: 'www.google.co.uk', utmSource: null, pageHost: page },
  ],
  [
    'listed subdomain (news.ycombinator.com)',
    { referrerHost: 'news.ycombinator.com', utmSource: null, pageHost: page },
  ],
  [
    'unknown host (www.blog.example.org)',
    { referrerHost: 'www.blog.example.org', utmSource: null, pageHost: page },
  ],
  ['internal referrer', { referrerHost: 'www.example.com', utmSource: null, pageHost: page }],
  ['utm_source alias (fb)', { referrerHost: 'l.facebook.com', utmSource: 'fb', pageHost: page }],
  [
    'utm_source unknown (newsletter)',
    { referrerHost: null, utmSource: 'newsletter', pageHost: page },
  ],
  [
    'app referrer (Gmail)',
    {
      referrerHost: null,
      utmSource: null,
      pageHost: page,
      referrer: 'android-app://com.google.android.gm/',
    },
  ],
  ['no referrer', { referrerHost: null, utmSource: null, pageHost: page }],
];

const loadStart = performance.now();
const sources = ReferrerSources.fromFiles();
const loadMs = performance.now() - loadStart;

function nanosecondsPerCall(query: SourceQuery): number {
  let best = Infinity;
  let sink = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i += 1) sink += sources.sourceOf(query)?.length ?? 0;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / CALLS);
  }
  if (sink < 0) console.log(sink);
  return best;
}

console.log(`Loaded ${sources.names.length} source names in ${loadMs.toFixed(1)} ms.`);
console.log(`Best of ${ROUNDS} rounds of ${CALLS.toLocaleString('en-US')} calls:`);
for (const [label, query] of CASES) {
  console.log(`  ${label.padEnd(42)} ${nanosecondsPerCall(query).toFixed(0).padStart(5)} ns`);
}
