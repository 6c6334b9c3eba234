/**
 * How a page goal's `pagePath` names pages: `*` stands for any run of characters, `/` included
 * and possibly none; every other character stands for itself; the pattern must match the whole
 * path. So `/blog/*` matches `/blog/`, `/blog/a` and `/blog/a/b` but not `/blog`, and `/pricing`
 * matches only `/pricing`. Paths are compared as stored (`page_views.path`: percent-decoded,
 * without query string or fragment) and case-sensitively.
 *
 * Two forms of the one rule: `toLikePattern` for SQL (`path LIKE $1`), `matchesPagePath` in
 * JavaScript. They are written independently, so each can check the other.
 */

/** The wildcard of a page path pattern. */
export const WILDCARD = '*';

/**
 * The pattern as a PostgreSQL `LIKE` pattern for `path LIKE $1` (the default escape character,
 * backslash): `%`, `_` and `\` are escaped to stand for themselves, and each `*` becomes `%`.
 */
export function toLikePattern(pagePath: string): string {
  return pagePath.replace(/[\\%_*]/g, (char) => (char === WILDCARD ? '%' : `\\${char}`));
}

/** Whether `path` is one of the pages `pattern` names; the same answer as `path LIKE toLikePattern(pattern)`. */
export function matchesPagePath(pattern: string, path: string): boolean {
  const parts = pattern.split(WILDCARD);
  const first = parts[0];
  if (parts.length === 1) return path === first;
  const last = parts[parts.length - 1];
  if (path.length < first.length + last.length) return false;
  if (!path.startsWith(first) || !path.endsWith(last)) return false;
  // The literal parts between wildcards, each found leftmost after the one before: taking the
  // earliest place never rules out a match that a later place would allow.
  let from = first.length;
  const end = path.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const at = path.indexOf(part, from);
    if (at === -1 || at + part.length > end) return false;
    from = at + part.length;
  }
  return true;
}

/** Whether the pattern has a wildcard (a page goal for many pages rather than one). */
export function hasWildcard(pagePath: string): boolean {
  return pagePath.includes(WILDCARD);
}
