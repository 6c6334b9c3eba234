import { describePageUrl, referrerHost } from './page-url.js';

describe('describePageUrl', () => {
  it('should give the host name and "/" for the root of a site', () => {
    expect(describePageUrl('https://example.com')).toEqual({
      hostname: 'example.com',
      path: '/',
      utmSource: null,
      utmMedium: null,
      utmCampaign: null,
      utmTerm: null,
      utmContent: null,
    });
  });

  it('should lower-case the host name', () => {
    expect(describePageUrl('https://WWW.Example.COM/Blog').hostname).toBe('www.example.com');
  });

  it('should leave the query string and fragment out of the path', () => {
    expect(describePageUrl('https://example.com/pricing?plan=pro#faq').path).toBe('/pricing');
  });

  it('should percent-decode the path', () => {
    expect(describePageUrl('https://example.com/caf%C3%A9/men%C3%BC%20du%20jour').path).toBe(
      '/café/menü du jour',
    );
  });

  it('should keep a path with invalid percent-encoding as it was sent', () => {
    expect(describePageUrl('https://example.com/a%E0%A4%A/b').path).toBe('/a%E0%A4%A/b');
    expect(describePageUrl('https://example.com/100%25/%FF').path).toBe('/100%25/%FF');
  });

  it('should remove NUL characters from the decoded path', () => {
    expect(describePageUrl('https://example.com/a%00b/%00').path).toBe('/ab/');
  });

  it('should cap the path at 2048 characters', () => {
    const path = describePageUrl(`https://example.com/${'a'.repeat(3000)}`).path;
    expect(path).toHaveLength(2048);
    expect(path).toBe(`/${'a'.repeat(2047)}`);
  });

  it('should extract every utm_* parameter', () => {
    const parts = describePageUrl(
      'https://example.com/landing?utm_source=newsletter&utm_medium=email' +
        '&utm_campaign=spring%20sale&utm_term=running+shoes&utm_content=header-link&other=1',
    );
    expect(parts).toMatchObject({
      path: '/landing',
      utmSource: 'newsletter',
      utmMedium: 'email',
      utmCampaign: 'spring sale',
      utmTerm: 'running shoes',
      utmContent: 'header-link',
    });
  });

  it('should give null for utm parameters that are absent', () => {
    const parts = describePageUrl('https://example.com/?utm_source=ads');
    expect(parts.utmSource).toBe('ads');
    expect(parts.utmMedium).toBeNull();
    expect(parts.utmCampaign).toBeNull();
    expect(parts.utmTerm).toBeNull();
    expect(parts.utmContent).toBeNull();
  });

  it('should trim white space around utm values', () => {
    expect(describePageUrl('https://example.com/?utm_source=%20%20google%09%20').utmSource).toBe(
      'google',
    );
  });

  it('should give null for utm values that are empty or only white space', () => {
    const parts = describePageUrl(
      'https://example.com/?utm_source=&utm_medium=%20%20&utm_term=%00',
    );
    expect(parts.utmSource).toBeNull();
    expect(parts.utmMedium).toBeNull();
    expect(parts.utmTerm).toBeNull();
  });

  it('should cap utm values at 256 characters', () => {
    const long = 'x'.repeat(300);
    expect(describePageUrl(`https://example.com/?utm_campaign=${long}`).utmCampaign).toBe(
      'x'.repeat(256),
    );
  });

  it('should remove NUL characters from utm values', () => {
    expect(describePageUrl('https://example.com/?utm_source=a%00b').utmSource).toBe('ab');
  });

  it('should take the first value of a repeated utm parameter', () => {
    expect(describePageUrl('https://example.com/?utm_source=one&utm_source=two').utmSource).toBe(
      'one',
    );
  });
});

describe('referrerHost', () => {
  it('should give the host of a referrer URL', () => {
    expect(referrerHost('https://news.ycombinator.com/item?id=1')).toBe('news.ycombinator.com');
  });

  it('should give the host in lower case', () => {
    expect(referrerHost('HTTPS://WWW.Google.COM/search?q=x')).toBe('www.google.com');
  });

  it('should give null for a missing or empty referrer', () => {
    expect(referrerHost(undefined)).toBeNull();
    expect(referrerHost(null)).toBeNull();
    expect(referrerHost('')).toBeNull();
  });

  it('should give null for a referrer that is not a URL', () => {
    expect(referrerHost('not a url')).toBeNull();
    expect(referrerHost('www.example.com/page')).toBeNull();
  });

  it('should give null for a URL without a host', () => {
    expect(referrerHost('android-app://')).toBeNull();
    expect(referrerHost('mailto:someone@example.com')).toBeNull();
    expect(referrerHost('about:blank')).toBeNull();
  });

  it('should give null for a host name longer than 253 characters', () => {
    expect(referrerHost(`https://${'a.'.repeat(127)}com/`)).toBeNull();
  });
});

describe('cutting long values', () => {
  it('should not leave half an emoji at the end of a capped utm value', () => {
    const parts = describePageUrl(`https://e.com/?utm_source=${'a'.repeat(255)}%F0%9F%98%80`);
    expect(parts.utmSource?.isWellFormed()).toBe(true);
    expect(parts.utmSource).toHaveLength(256);
  });

  it('should not leave half an emoji at the end of a capped path', () => {
    const parts = describePageUrl(`https://e.com/${'a'.repeat(2046)}%F0%9F%98%80`);
    expect(parts.path.isWellFormed()).toBe(true);
    expect(parts.path.length).toBeLessThanOrEqual(2048);
  });

  it('should trim a utm value that the cap leaves ending in a space', () => {
    const parts = describePageUrl(`https://e.com/?utm_source=${'a'.repeat(255)}%20b`);
    expect(parts.utmSource).toBe('a'.repeat(255));
  });

  it('should keep the package of an app referrer', () => {
    expect(referrerHost('android-app://com.google.android.gm/')).toBe('com.google.android.gm');
  });
});
