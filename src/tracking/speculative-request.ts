import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers that mark a request made ahead of a visit that may never happen: `Sec-Purpose` (the
 * Fetch standard; Chrome's speculation rules send `prefetch` and `prefetch;prerender`, Firefox
 * `prefetch`), `Purpose` (Chrome's `<link rel=prefetch>`), `X-Purpose` (Safari's link
 * previews, `preview`) and `X-Moz` (Firefox before `Sec-Purpose`, `prefetch`).
 */
const PURPOSE_HEADERS = ['sec-purpose', 'purpose', 'x-purpose', 'x-moz'] as const;

const SPECULATIVE_PURPOSES: ReadonlySet<string> = new Set(['prefetch', 'prerender', 'preview']);

/**
 * Whether the request says it is a prefetch, prerender or preview. Each header's value is read
 * as a list of items (`a, b;param`) and an item matches by its token, case-insensitively, so
 * `prefetch;prerender` matches and `prefetch-analysis` does not.
 */
export function isSpeculativeRequest(headers: IncomingHttpHeaders): boolean {
  for (const name of PURPOSE_HEADERS) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const text of Array.isArray(value) ? value : [value]) {
      if (hasSpeculativeItem(text)) return true;
    }
  }
  return false;
}

function hasSpeculativeItem(value: string): boolean {
  for (const item of value.split(',')) {
    const semicolon = item.indexOf(';');
    const token = (semicolon === -1 ? item : item.slice(0, semicolon)).trim().toLowerCase();
    if (SPECULATIVE_PURPOSES.has(token)) return true;
  }
  return false;
}
