import { isHostAllowed, normalizeDomain } from './domains.js';

describe('normalizeDomain', () => {
  it('should return a bare lower-case host name unchanged', () => {
    expect(normalizeDomain('example.com')).toBe('example.com');
  });

  it('should lower-case the domain', () => {
    expect(normalizeDomain('WWW.Example.COM')).toBe('www.example.com');
  });

  it('should take the host name out of a URL', () => {
    expect(normalizeDomain('https://www.example.com/blog?x=1#top')).toBe('www.example.com');
    expect(normalizeDomain('http://example.com:8080')).toBe('example.com');
  });

  it('should ignore a path or port given without a scheme', () => {
    expect(normalizeDomain('example.com/blog')).toBe('example.com');
    expect(normalizeDomain('example.com:8443')).toBe('example.com');
  });

  it('should ignore surrounding white space', () => {
    expect(normalizeDomain('  example.com \n')).toBe('example.com');
  });

  it('should drop the trailing dot of a fully qualified name', () => {
    expect(normalizeDomain('example.com.')).toBe('example.com');
  });

  it('should turn an internationalized domain into its ASCII form', () => {
    expect(normalizeDomain('Bücher.example')).toBe('xn--bcher-kva.example');
  });

  it.each(['', '   ', 'not a domain', 'http://', 'exa_mple.com', '*.example.com'])(
    'should refuse %j with a message naming the input and giving an example',
    (input) => {
      expect(() => normalizeDomain(input)).toThrow(
        `"${input}" is not a domain name; give one such as example.com.`,
      );
    },
  );

  it('should refuse a host name longer than 253 characters', () => {
    const tooLong = `${'a'.repeat(60)}.`.repeat(4) + 'example.com';
    expect(tooLong.length).toBeGreaterThan(253);
    expect(() => normalizeDomain(tooLong)).toThrow('is not a domain name');
  });
});

describe('isHostAllowed', () => {
  it('should allow every host, and no host, when the list is empty', () => {
    expect(isHostAllowed([], 'anything.example')).toBe(true);
    expect(isHostAllowed([], undefined)).toBe(true);
  });

  it('should allow the domain itself', () => {
    expect(isHostAllowed(['example.com'], 'example.com')).toBe(true);
  });

  it('should allow subdomains of an allowed domain', () => {
    expect(isHostAllowed(['example.com'], 'www.example.com')).toBe(true);
    expect(isHostAllowed(['example.com'], 'a.b.example.com')).toBe(true);
  });

  it('should refuse a look-alike host that merely ends with the domain', () => {
    expect(isHostAllowed(['example.com'], 'badexample.com')).toBe(false);
  });

  it('should refuse a host that only contains the domain as a prefix', () => {
    expect(isHostAllowed(['example.com'], 'example.com.evil.net')).toBe(false);
  });

  it('should not let a subdomain entry allow its parent domain', () => {
    expect(isHostAllowed(['www.example.com'], 'example.com')).toBe(false);
  });

  it('should compare hosts regardless of case and trailing dot', () => {
    expect(isHostAllowed(['example.com'], 'WWW.Example.COM.')).toBe(true);
  });

  it('should allow a host matching any domain of the list', () => {
    expect(isHostAllowed(['example.com', 'example.org'], 'shop.example.org')).toBe(true);
    expect(isHostAllowed(['example.com', 'example.org'], 'example.net')).toBe(false);
  });

  it('should refuse a missing or empty host when the list is not empty', () => {
    expect(isHostAllowed(['example.com'], undefined)).toBe(false);
    expect(isHostAllowed(['example.com'], '')).toBe(false);
  });
});

describe('normalizeDomain with several trailing dots', () => {
  it('should strip them all', () => {
    expect(normalizeDomain('example.com..')).toBe('example.com');
  });
});
