import { hasWildcard, matchesPagePath, toLikePattern } from './goal-match.js';

/** A third form of the rule, by regular expression, to check `matchesPagePath` against. */
function byRegExp(pattern: string, path: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${source}$`, 'u').test(path);
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('toLikePattern', () => {
  it('should turn each * into % and keep a path without wildcards as it is', () => {
    expect(toLikePattern('/pricing')).toBe('/pricing');
    expect(toLikePattern('/blog/*')).toBe('/blog/%');
    expect(toLikePattern('/*/docs/*')).toBe('/%/docs/%');
    expect(toLikePattern('*')).toBe('%');
  });

  it('should escape %, _ and backslash so they stand for themselves', () => {
    expect(toLikePattern('/100%')).toBe('/100\\%');
    expect(toLikePattern('/my_page')).toBe('/my\\_page');
    expect(toLikePattern('/a\\b')).toBe('/a\\\\b');
    expect(toLikePattern('/%_\\*')).toBe('/\\%\\_\\\\%');
  });
});

describe('matchesPagePath', () => {
  it('should match a path without wildcards only to itself', () => {
    expect(matchesPagePath('/pricing', '/pricing')).toBe(true);
    expect(matchesPagePath('/pricing', '/pricing/')).toBe(false);
    expect(matchesPagePath('/pricing', '/pricing/team')).toBe(false);
    expect(matchesPagePath('/pricing', '/Pricing')).toBe(false);
    expect(matchesPagePath('/pricing', '/')).toBe(false);
  });

  it('should let * stand for any run of characters, slashes included, and for none', () => {
    expect(matchesPagePath('/blog/*', '/blog/a')).toBe(true);
    expect(matchesPagePath('/blog/*', '/blog/a/b')).toBe(true);
    expect(matchesPagePath('/blog/*', '/blog/')).toBe(true);
    expect(matchesPagePath('/blog/*', '/blog')).toBe(false);
    expect(matchesPagePath('/blog/*', '/blogroll')).toBe(false);
    expect(matchesPagePath('/blog/*', '/en/blog/a')).toBe(false);
    expect(matchesPagePath('*', '/')).toBe(true);
    expect(matchesPagePath('/*', '/anything/at/all')).toBe(true);
  });

  it('should match the whole path with wildcards in the middle and at the start', () => {
    expect(matchesPagePath('/*/checkout', '/de/checkout')).toBe(true);
    expect(matchesPagePath('/*/checkout', '/de/fr/checkout')).toBe(true);
    expect(matchesPagePath('/*/checkout', '/de/checkout/done')).toBe(false);
    expect(matchesPagePath('/docs/*/install/*', '/docs/v2/install/linux')).toBe(true);
    expect(matchesPagePath('/docs/*/install/*', '/docs/v2/setup/linux')).toBe(false);
    expect(matchesPagePath('/a*a', '/a')).toBe(false);
    expect(matchesPagePath('/a*a', '/aa')).toBe(true);
    expect(matchesPagePath('/a*b*b', '/ab')).toBe(false);
    expect(matchesPagePath('/a*b*b', '/abb')).toBe(true);
  });

  it('should take %, _ and backslash literally', () => {
    expect(matchesPagePath('/100%', '/100%')).toBe(true);
    expect(matchesPagePath('/100%', '/1000')).toBe(false);
    expect(matchesPagePath('/my_page', '/my_page')).toBe(true);
    expect(matchesPagePath('/my_page', '/myXpage')).toBe(false);
    expect(matchesPagePath('/a\\b', '/a\\b')).toBe(true);
    expect(matchesPagePath('/a\\*', '/a\\x/y')).toBe(true);
    expect(matchesPagePath('/a\\*', '/ax')).toBe(false);
  });

  it('should agree with a regular expression form of the rule on 20,000 random patterns and paths', () => {
    const next = random(12);
    const alphabet = ['/', 'a', 'b', '*', '%', '_', '\\', 'é'];
    const text = (max: number, chars: string[]) =>
      Array.from(
        { length: Math.floor(next() * max) },
        () => chars[Math.floor(next() * chars.length)],
      ).join('');
    let matches = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const pattern = `/${text(6, alphabet)}`;
      const path = `/${text(
        8,
        alphabet.filter((char) => char !== '*'),
      )}`;
      const expected = byRegExp(pattern, path);
      if (expected) matches += 1;
      expect(matchesPagePath(pattern, path), `${pattern} ~ ${path}`).toBe(expected);
    }
    // Both answers occur often enough for the comparison to mean something.
    expect(matches).toBeGreaterThan(500);
    expect(matches).toBeLessThan(19_500);
  });
});

describe('hasWildcard', () => {
  it('should tell a pattern for many pages from a single path', () => {
    expect(hasWildcard('/blog/*')).toBe(true);
    expect(hasWildcard('/pricing')).toBe(false);
  });
});
