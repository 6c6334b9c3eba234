import proxyAddr from 'proxy-addr';
import {
  parseForwardedAddress,
  resolveClientAddress,
  type TrustFunction,
} from './client-address.js';

const hops =
  (count: number): TrustFunction =>
  (_address, index) =>
    index < count;
const loopback: TrustFunction = proxyAddr.compile(['loopback']);
const none: TrustFunction = () => false;

describe('parseForwardedAddress', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.7:4711', '203.0.113.7'],
    ['2001:db8::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:4711', '2001:db8::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['[::ffff:203.0.113.7]:80', '203.0.113.7'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
  ])('should read %s as %s', (entry, address) => {
    expect(parseForwardedAddress(entry)).toBe(address);
  });

  it.each([
    'unknown',
    '_hidden',
    '<script>',
    '',
    '203.0.113.7:',
    '203.0.113.7:port',
    '203.0.113.7:65536',
    '203.0.113.256',
    '[2001:db8::1',
    '[2001:db8::1]4711',
    '[2001:db8::1]:',
    '[203.0.113.7]:80',
    '2001:db8::g',
    '"203.0.113.7"',
    '203.0.113.7%eth0',
    `2001:db8::1%${'x'.repeat(100)}`,
    '1'.repeat(10_000),
  ])('should not read %j as an address', (entry) => {
    expect(parseForwardedAddress(entry)).toBeUndefined();
  });
});

describe('resolveClientAddress', () => {
  it('should use the socket address when no proxy is trusted', () => {
    expect(resolveClientAddress('198.51.100.1', '203.0.113.7', none)).toBe('198.51.100.1');
    expect(resolveClientAddress('::ffff:198.51.100.1', undefined, none)).toBe('198.51.100.1');
  });

  it('should take the entry one trusted hop in, ignoring those beyond', () => {
    expect(resolveClientAddress('10.0.0.2', '192.0.2.1, 203.0.113.7', hops(1))).toBe('203.0.113.7');
    expect(resolveClientAddress('10.0.0.2', '192.0.2.1, 203.0.113.7', hops(2))).toBe('192.0.2.1');
  });

  it('should drop the port of forwarded IPv4 and IPv6 addresses', () => {
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7:4711', hops(1))).toBe('203.0.113.7');
    expect(resolveClientAddress('10.0.0.2', '[2001:db8::1]:4711', hops(1))).toBe('2001:db8::1');
  });

  it('should trust a listed proxy written with a port', () => {
    expect(resolveClientAddress('127.0.0.1', '203.0.113.7, 127.0.0.5:9000', loopback)).toBe(
      '203.0.113.7',
    );
  });

  it('should stop at an entry that is not an address and take the hop that passed it on', () => {
    expect(resolveClientAddress('10.0.0.2', 'unknown', hops(1))).toBe('10.0.0.2');
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7, _hidden, 10.0.0.1', hops(3))).toBe(
      '10.0.0.1',
    );
    expect(resolveClientAddress('127.0.0.1', '<script>', loopback)).toBe('127.0.0.1');
    expect(resolveClientAddress('127.0.0.1', '203.0.113.7, garbage', loopback)).toBe('127.0.0.1');
  });

  it('should not look at entries beyond the first untrusted hop, valid or not', () => {
    expect(resolveClientAddress('127.0.0.1', 'garbage, 203.0.113.7', loopback)).toBe('203.0.113.7');
  });

  it('should skip empty entries', () => {
    expect(resolveClientAddress('10.0.0.2', ' , 203.0.113.7 ,, ', hops(1))).toBe('203.0.113.7');
    expect(resolveClientAddress('10.0.0.2', ' , ', hops(1))).toBe('10.0.0.2');
  });

  it('should return nothing when the socket has no address', () => {
    expect(resolveClientAddress(undefined, '203.0.113.7', hops(1))).toBeUndefined();
  });
});
