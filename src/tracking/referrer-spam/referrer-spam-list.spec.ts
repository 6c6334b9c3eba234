import { readFileSync } from 'node:fs';
import { parseSpamDomains, REFERRER_SPAM_FILE, ReferrerSpamList } from './referrer-spam-list.js';

describe('parseSpamDomains', () => {
  it('should read one domain a line, skipping blank lines and CRLF endings', () => {
    expect(parseSpamDomains('semalt.com\r\n\r\n  darodar.com  \nx.tumblr.com\n')).toEqual([
      'semalt.com',
      'darodar.com',
      'x.tumblr.com',
    ]);
  });

  it('should lower-case domains and turn international ones into punycode, as URL hosts are', () => {
    expect(parseSpamDomains('QIWI.xyz\nкремль.рф\n')).toEqual([
      'qiwi.xyz',
      'xn--e1ajeds9e.xn--p1ai',
    ]);
  });

  it.each([
    ['an HTML page', '<!DOCTYPE html>\n<html>'],
    ['two domains on one line', 'semalt.com darodar.com'],
    ['a URL', 'https://semalt.com/'],
    ['a top-level domain alone', 'com'],
    ['a comment', '# spammers'],
  ])('should refuse %s, naming the line', (_, text) => {
    expect(() => parseSpamDomains(`semalt.com\n${text}\n`)).toThrow(
      /^Line 2 of the referrer spam list is not a domain name: /,
    );
  });

  it('should accept every line of the shipped list', () => {
    const lines = readFileSync(REFERRER_SPAM_FILE, 'utf8').split('\n').filter(Boolean);
    expect(parseSpamDomains(lines.join('\n'))).toHaveLength(lines.length);
  });
});

describe('ReferrerSpamList', () => {
  const list = new ReferrerSpamList(['spam.com', 'spammer.tumblr.com', 'xn--e1ajeds9e.xn--p1ai']);

  it.each([
    'https://spam.com/',
    'http://spam.com/page?q=1#top',
    'https://www.spam.com/',
    'https://a.b.spam.com/deep/path',
    'HTTPS://WWW.SPAM.COM/',
    'https://spam.com./',
    'https://user:secret@spam.com:8443/x',
    'https://spammer.tumblr.com/',
    'https://кремль.рф/',
  ])('should match %s', (referrer) => {
    expect(list.isSpamReferrer(referrer)).toBe(true);
  });

  it.each([
    ['a domain that ends with the same letters', 'https://notspam.com/'],
    ['a domain that contains the listed one', 'https://spam.com.example.org/'],
    ['the parent of a listed subdomain', 'https://tumblr.com/'],
    ['a sibling of a listed subdomain', 'https://friend.tumblr.com/'],
    ['the listed domain in the path', 'https://example.com/spam.com'],
    ['the listed domain in the query', 'https://example.com/?ref=spam.com'],
    ['a referrer that is not an http(s) URL', 'android-app://spam.com'],
    ['an FTP URL', 'ftp://spam.com/'],
    ['a bare domain', 'spam.com'],
    ['an empty referrer', ''],
    ['no referrer', undefined],
  ])('should not match %s', (_, referrer) => {
    expect(list.isSpamReferrer(referrer)).toBe(false);
  });

  it('should match a host or a parent domain by Set lookups, ignoring case and a trailing dot', () => {
    expect(list.hasHost('spam.com')).toBe(true);
    expect(list.hasHost('X.Y.Spam.Com.')).toBe(true);
    expect(list.hasHost('com')).toBe(false);
    expect(list.hasHost('')).toBe(false);
  });

  it('should load the shipped list, every domain of it', () => {
    const domains = parseSpamDomains(readFileSync(REFERRER_SPAM_FILE, 'utf8'));
    const shipped = ReferrerSpamList.fromFile();
    expect(shipped.size).toBe(new Set(domains).size);
    expect(shipped.size).toBeGreaterThan(1_000);
    for (const domain of domains) expect(shipped.hasHost(`www.${domain}`)).toBe(true);
    expect(shipped.isSpamReferrer('https://www.example.com/')).toBe(false);
  });

  it('should stop with a message saying what to run when the list is missing', () => {
    expect(() => ReferrerSpamList.fromFile('/nonexistent/spammers.txt')).toThrow(
      /^Cannot read the referrer spam list \/nonexistent\/spammers\.txt .*Run `npm run build`/,
    );
  });
});
