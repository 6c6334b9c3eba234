import { anonymizeIp } from './anonymize-ip.js';

describe('anonymizeIp', () => {
  it('should keep only the /24 network of an IPv4 address', () => {
    expect(anonymizeIp('203.0.113.7')).toBe('203.0.113.0');
    expect(anonymizeIp('198.51.100.255')).toBe('198.51.100.0');
  });

  it('should keep only the /48 network of an IPv6 address', () => {
    expect(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(anonymizeIp('2001:db8:1::ab9:c0a8:102')).toBe('2001:db8:1::');
  });

  it('should treat an IPv4-mapped IPv6 address as IPv4', () => {
    expect(anonymizeIp('::ffff:203.0.113.7')).toBe('203.0.113.0');
    expect(anonymizeIp('::ffff:cb00:7107')).toBe('203.0.113.0');
  });

  it('should ignore an IPv6 zone id', () => {
    expect(anonymizeIp('fe80::1%eth0')).toBe('fe80::');
    expect(anonymizeIp('fe80:1:2:3:4:5:6:7%25eth0')).toBe('fe80:1:2::');
  });

  it('should anonymize loopback addresses like any other', () => {
    expect(anonymizeIp('127.0.0.1')).toBe('127.0.0.0');
    expect(anonymizeIp('::1')).toBe('::');
  });

  it('should return null for a missing or empty address', () => {
    expect(anonymizeIp(undefined)).toBeNull();
    expect(anonymizeIp('')).toBeNull();
  });

  it('should return null for text that is not an IP address', () => {
    expect(anonymizeIp('not-an-ip')).toBeNull();
    expect(anonymizeIp('256.1.1.1')).toBeNull();
    expect(anonymizeIp('2001:db8::g')).toBeNull();
    expect(anonymizeIp('%eth0')).toBeNull();
  });
});
