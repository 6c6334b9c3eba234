import { decodePath, describePageUrl, describeReferrer, referrerHost } from './page-url.js';

describe('describePageUrl', () => {
  it('should give the host name and "/" for the root of a site', () => {
    expect(describePageUrl('https://example.com')).toEqual({
      url: 'https://example.com/',
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

  it('should keep an encoded NUL encoded rather than drop it, so the path names the same page', () => {
    expect(describePageUrl('https://example.com/a%00b/%00').path).toBe('/a%00b/%00');
  });

  it('should keep the user name and password out of the stored URL', () => {
    const parts = describePageUrl('https://user:secret@Example.COM:443/Docs?q=1#top');
    expect(parts.url).toBe('https://example.com/Docs?q=1#top');
    expect(parts.url).not.toMatch(/user|secret/);
  });

  it('should lower-case the host, drop a default port and keep the path as it is', () => {
    expect(describePageUrl('HTTP://Shop.Example.COM:80/Cart/Item').url).toBe(
      'http://shop.example.com/Cart/Item',
    );
    expect(describePageUrl('https://example.com:8443/A').url).toBe('https://example.com:8443/A');
    expect(describePageUrl('https://example.com:8443/A').hostname).toBe('example.com');
    expect(describePageUrl('https://Example.com./A').hostname).toBe('example.com');
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

  it('should give null for a referrer that is not http(s), app referrers included', () => {
    expect(referrerHost('android-app://com.google.android.gm/')).toBeNull();
    expect(referrerHost('ftp://files.example.com/')).toBeNull();
    expect(referrerHost('chrome-extension://abcdef/page.html')).toBeNull();
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
});

describe('describeReferrer', () => {
  it('should drop the query string and the fragment and keep the host', () => {
    expect(
      describeReferrer('https://www.google.com/search?q=my+email%40example.com&client=x#frag'),
    ).toEqual({ referrer: 'https://www.google.com/search', referrerHost: 'www.google.com' });
  });

  it('should drop credentials, lower-case the host and drop a default port', () => {
    expect(describeReferrer('HTTPS://bob:hunter2@Mail.Example.COM:443/Inbox?token=abc')).toEqual({
      referrer: 'https://mail.example.com/Inbox',
      referrerHost: 'mail.example.com',
    });
    expect(describeReferrer('http://blog.example:8080/Post').referrer).toBe(
      'http://blog.example:8080/Post',
    );
  });

  it('should keep an app referrer without a referrer host', () => {
    expect(describeReferrer('android-app://com.google.android.gm/?x=1')).toEqual({
      referrer: 'android-app://com.google.android.gm/',
      referrerHost: null,
    });
  });

  it('should drop a referrer that is not a URL with a host', () => {
    for (const referrer of ['not a url', 'mailto:someone@example.com', 'about:blank', '', null]) {
      expect(describeReferrer(referrer)).toEqual({ referrer: null, referrerHost: null });
    }
  });
});

describe('decodePath', () => {
  it('should decode UTF-8 text and characters that need no escape', () => {
    expect(decodePath('/caf%C3%A9/%F0%9F%98%80%20x/%7Euser/%41')).toBe('/café/😀 x/~user/A');
  });

  it('should keep reserved characters and % encoded, since decoding them names another page', () => {
    expect(decodePath('/a%2Fb%3Fc%23d%26e%3Df%25g%2541')).toBe('/a%2Fb%3Fc%23d%26e%3Df%25g%2541');
  });

  it('should keep control characters and NUL encoded, in the case they were sent', () => {
    expect(decodePath('/a%00b%0a%7F%1f')).toBe('/a%00b%0a%7F%1f');
  });

  it('should keep each invalid byte encoded and decode the valid text around it', () => {
    expect(decodePath('/%FFcaf%C3%A9%C3')).toBe('/%FFcafé%C3');
    expect(decodePath('/%ED%A0%80x')).toBe('/%ED%A0%80x');
    expect(decodePath('/%C0%AF')).toBe('/%C0%AF');
    expect(decodePath('/%E2%82%AC%E2%82')).toBe('/€%E2%82');
  });

  it('should leave a path without escapes as it is', () => {
    expect(decodePath('/Plain/Path')).toBe('/Plain/Path');
  });
});

describe('capping the path', () => {
  it('should not cut through a percent-escape', () => {
    const path = describePageUrl(`https://e.com/${'a'.repeat(2045)}%00`).path;
    expect(path).toBe(`/${'a'.repeat(2045)}`);
  });
});
