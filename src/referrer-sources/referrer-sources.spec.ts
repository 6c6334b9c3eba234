import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADDITIONS_FILE,
  HostTable,
  isCountrySuffix,
  ReferrerSources,
  UPSTREAM_FILE,
} from './referrer-sources.js';

describe('ReferrerSources with the shipped data', () => {
  const sources = ReferrerSources.fromFiles();
  const fromReferrer = (referrerHost: string | null, pageHost = 'example.com') =>
    sources.sourceOf({ referrerHost, utmSource: null, pageHost });
  const fromUtm = (utmSource: string | null, referrerHost: string | null = null) =>
    sources.sourceOf({ referrerHost, utmSource, pageHost: 'example.com' });

  it.each([
    ['google.com', 'Google'],
    ['www.google.com', 'Google'],
    ['www.google.co.uk', 'Google'],
    ['www.google.de', 'Google'],
    ['google.fr', 'Google'],
    ['www.google.com.au', 'Google'],
    ['www.google.com.br', 'Google'],
    ['www.google.co.jp', 'Google'],
    ['www.google.it.ao', 'Google'],
    ['news.google.com', 'Google'],
    ['news.google.co.uk', 'Google'],
    ['images.google.de', 'Google'],
    ['docs.google.com', 'Google'],
    ['mail.google.com', 'Gmail'],
    ['gemini.google.com', 'Gemini'],
    ['www.bing.com', 'Bing'],
    ['duckduckgo.com', 'DuckDuckGo'],
    ['search.yahoo.com', 'Yahoo!'],
    ['de.search.yahoo.com', 'Yahoo!'],
    ['mail.yahoo.com', 'Yahoo! Mail'],
    ['yandex.ru', 'Yandex'],
    ['www.baidu.com', 'Baidu'],
    ['www.ecosia.org', 'Ecosia'],
    ['search.brave.com', 'Brave Search'],
    ['kagi.com', 'Kagi'],
    ['news.ycombinator.com', 'Hacker News'],
    ['lobste.rs', 'Lobsters'],
    ['t.co', 'Twitter'],
    ['x.com', 'Twitter'],
    ['twitter.com', 'Twitter'],
    ['l.facebook.com', 'Facebook'],
    ['lm.facebook.com', 'Facebook'],
    ['m.facebook.com', 'Facebook'],
    ['www.facebook.com', 'Facebook'],
    ['l.instagram.com', 'Instagram'],
    ['www.reddit.com', 'Reddit'],
    ['old.reddit.com', 'Reddit'],
    ['out.reddit.com', 'Reddit'],
    ['www.linkedin.com', 'LinkedIn'],
    ['lnkd.in', 'LinkedIn'],
    ['www.youtube.com', 'YouTube'],
    ['bsky.app', 'Bluesky'],
    ['mastodon.social', 'Mastodon'],
    ['chatgpt.com', 'ChatGPT'],
    ['chat.openai.com', 'ChatGPT'],
    ['www.perplexity.ai', 'Perplexity'],
    ['claude.ai', 'Claude'],
    ['copilot.microsoft.com', 'Microsoft Copilot'],
    ['github.com', 'GitHub'],
    ['gist.github.com', 'GitHub'],
    ['gitlab.com', 'GitLab'],
    ['stackoverflow.com', 'Stack Overflow'],
    ['app.slack.com', 'Slack'],
    ['discord.com', 'Discord'],
    ['web.telegram.org', 'Telegram'],
    ['outlook.live.com', 'Outlook.com'],
    ['en.wikipedia.org', 'Wikipedia'],
  ])('should name %s "%s"', (host, source) => {
    expect(fromReferrer(host)).toBe(source);
  });

  it.each([
    ['an unknown host', 'blog.example.org', 'blog.example.org'],
    ['an unknown host, without its www.', 'www.example.org', 'example.org'],
    ['a blog on a shared host', 'someone.github.io', 'someone.github.io'],
    ['a host that only contains a brand', 'google.example.net', 'google.example.net'],
    ['a host that only ends like a listed one', 'nott.co', 'nott.co'],
  ])('should keep %s as its own source', (_, host, source) => {
    expect(fromReferrer(host)).toBe(source);
  });

  it('should read hosts case-insensitively and without a trailing dot', () => {
    expect(fromReferrer('WWW.Google.CO.UK')).toBe('Google');
    expect(fromReferrer('news.ycombinator.com.')).toBe('Hacker News');
    expect(fromReferrer('WWW.Example.ORG')).toBe('example.org');
  });

  it('should give no source to a referrer from the page itself, with or without www.', () => {
    expect(fromReferrer('example.com', 'example.com')).toBeNull();
    expect(fromReferrer('www.example.com', 'example.com')).toBeNull();
    expect(fromReferrer('example.com', 'www.example.com')).toBeNull();
    expect(fromReferrer('EXAMPLE.com', 'example.com.')).toBeNull();
  });

  it('should name a referrer from another host of the same domain', () => {
    expect(fromReferrer('blog.example.com', 'example.com')).toBe('blog.example.com');
  });

  it.each([null, undefined, ''])('should give no source without a referrer (%j)', (host) => {
    expect(
      sources.sourceOf({ referrerHost: host, utmSource: null, pageHost: 'example.com' }),
    ).toBeNull();
    expect(sources.sourceOf({ referrerHost: host, utmSource: '   ', pageHost: null })).toBeNull();
  });

  it('should let a utm_source win over the referrer, even the site itself', () => {
    expect(fromUtm('newsletter', 'www.google.com')).toBe('newsletter');
    expect(
      sources.sourceOf({
        referrerHost: 'example.com',
        utmSource: 'spring-mail',
        pageHost: 'example.com',
      }),
    ).toBe('spring-mail');
  });

  it.each([
    ['google', 'Google'],
    ['Google', 'Google'],
    ['GOOGLE', 'Google'],
    [' google ', 'Google'],
    ['fb', 'Facebook'],
    ['facebook', 'Facebook'],
    ['twitter', 'Twitter'],
    ['x', 'Twitter'],
    ['hn', 'Hacker News'],
    ['hackernews', 'Hacker News'],
    ['Hacker News', 'Hacker News'],
    ['reddit', 'Reddit'],
    ['linkedin', 'LinkedIn'],
    ['yt', 'YouTube'],
    ['bsky', 'Bluesky'],
    ['chatgpt.com', 'ChatGPT'],
    ['news.ycombinator.com', 'Hacker News'],
    ['www.google.de', 'Google'],
  ])('should turn utm_source %j into the canonical "%s"', (utm, source) => {
    expect(fromUtm(utm)).toBe(source);
  });

  it('should keep an unknown utm_source as sent, trimmed', () => {
    expect(fromUtm('  Spring Newsletter ')).toBe('Spring Newsletter');
    expect(fromUtm('partner.example.org')).toBe('partner.example.org');
  });

  it.each([
    ['android-app://com.google.android.gm', 'Gmail'],
    ['android-app://com.google.android.gm/', 'Gmail'],
    ['android-app://com.reddit.frontpage/', 'Reddit'],
    ['android-app://com.google.android.googlequicksearchbox/', 'Google'],
    ['android-app://com.linkedin.android', 'LinkedIn'],
    ['ANDROID-APP://org.telegram.messenger', 'Telegram'],
    ['android-app://com.example.reader/', 'com.example.reader'],
  ])('should name the app referrer %s "%s"', (referrer, source) => {
    expect(
      sources.sourceOf({ referrerHost: null, utmSource: null, pageHost: 'example.com', referrer }),
    ).toBe(source);
  });

  it('should not take an app referrer that names no app id', () => {
    const of = (referrer: string) =>
      sources.sourceOf({ referrerHost: null, utmSource: null, pageHost: 'example.com', referrer });
    expect(of('android-app://')).toBeNull();
    expect(of(`android-app://${'a'.repeat(300)}.app`)).toBeNull();
    expect(of('ftp://files.example.org/x')).toBeNull();
  });

  it('should list every canonical name once, sorted, folded names left out', () => {
    expect(sources.names).toEqual(expect.arrayContaining(['Google', 'Hacker News', 'ChatGPT']));
    expect(sources.names).not.toContain('Google News');
    expect(sources.names).not.toContain('Youtube');
    expect(new Set(sources.names).size).toBe(sources.names.length);
    expect([...sources.names].sort((a, b) => a.localeCompare(b, 'en'))).toEqual(sources.names);
    expect(Object.isFrozen(sources.names)).toBe(true);
  });
});

describe('ReferrerSources rules', () => {
  it('should prefer the most specific match, an exact host before a brand pattern', () => {
    const sources = new ReferrerSources([
      { sources: { Google: ['google.*'], Gmail: ['mail.google.com'], Search: ['google.de'] } },
    ]);
    const of = (referrerHost: string) =>
      sources.sourceOf({ referrerHost, utmSource: null, pageHost: null });
    expect(of('mail.google.com')).toBe('Gmail');
    expect(of('mail.google.de')).toBe('Search');
    expect(of('www.google.fr')).toBe('Google');
  });

  it('should let a later file win for a host and apply renames to every file', () => {
    const sources = new ReferrerSources([
      { sources: { 'Google News': ['news.google.com'], Old: ['a.example'] } },
      { sources: { New: ['a.example'] }, renames: { 'Google News': 'Google' } },
    ]);
    const of = (referrerHost: string) =>
      sources.sourceOf({ referrerHost, utmSource: null, pageHost: null });
    expect(of('news.google.com')).toBe('Google');
    expect(of('a.example')).toBe('New');
  });

  it.each([
    ['a host with a capital', { sources: { A: ['Example.com'] } }, /lists "Example.com"/],
    ['a top-level domain alone', { sources: { A: ['com'] } }, /lists "com"/],
    ['a URL', { sources: { A: ['https://a.example/'] } }, /lists "https:\/\/a.example\/"/],
    ['a pattern of two labels', { sources: { A: ['a.b.*'] } }, /lists "a.b.\*"/],
    [
      'aliases of an unknown source',
      { sources: {}, aliases: { A: ['a'] } },
      /name no listed source/,
    ],
  ])('should refuse %s, naming it', (_, data, message) => {
    expect(() => new ReferrerSources([data])).toThrow(message);
  });

  it('should stop the start with the file named when a data file is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'referrer-sources-'));
    const broken = join(dir, 'additions.json');
    writeFileSync(broken, '{"sources": {');
    try {
      expect(() => ReferrerSources.fromFiles([UPSTREAM_FILE, broken])).toThrow(
        /additions\.json is not valid JSON .*Restore it from git/,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('should stop the start with the file named when a data file is missing', () => {
    expect(() => ReferrerSources.fromFiles([UPSTREAM_FILE, `${ADDITIONS_FILE}.missing`])).toThrow(
      /Cannot read the referrer source list .*additions\.json\.missing/,
    );
  });
});

describe('isCountrySuffix', () => {
  it.each(['de', 'com', 'cat', 'co.uk', 'com.au', 'it.ao'])('should take %s', (suffix) => {
    expect(isCountrySuffix(suffix)).toBe(true);
  });

  it.each(['example.com', 'co.uk.evil', 'x', 'com.aus', 'blogspot.com'])(
    'should refuse %s',
    (suffix) => {
      expect(isCountrySuffix(suffix)).toBe(false);
    },
  );
});

describe('HostTable', () => {
  it('should never match a top-level domain alone', () => {
    const table = new HostTable(new Map([['co', 'X']]), new Map());
    expect(table.find('co')).toBeUndefined();
    expect(table.find('t.co')).toBeUndefined();
  });
});
