import ipaddr from 'ipaddr.js';
import { publicAddress } from './public-address.js';

describe('publicAddress', () => {
  it.each([
    ['8.8.8.8', '8.8.8.8'],
    ['2001:67C:2E8:0:0:0:0:1', '2001:67C:2E8:0:0:0:0:1'],
    ['0:0:0:0:0:ffff:193.0.6.139', '193.0.6.139'],
    ['::ffff:193.0.6.139', '193.0.6.139'],
    ['::ffff:c100:68b', '193.0.6.139'],
    ['2a00:1450:4001:80b::200e%eth0', '2a00:1450:4001:80b::200e'],
  ])('should key %s as %s', (ip, key) => {
    expect(publicAddress(ip)).toBe(key);
  });

  it.each([
    ['private', '172.31.255.255'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv6 documentation', '2001:db8::1'],
    ['IPv6 documentation (RFC 9637)', '3fff::1'],
    ['Teredo', '2001:0:4136:e378::1'],
    ['6to4', '2002:c000:204::1'],
    ['IPv6 multicast', 'ff02::1'],
    ['not an address', '1.2.3.4.5'],
  ])('should refuse a %s address (%s)', (_, ip) => {
    expect(publicAddress(ip)).toBeNull();
  });

  it('should set apart the IPv4 addresses ipaddr.js calls special, edges included', () => {
    // ipaddr.js also sets apart two anycast services no visitor comes from (AS112 and AMT).
    const anycast = ['192.175.48.0/24', '192.31.196.0/24', '192.52.193.0/24'].map((cidr) =>
      ipaddr.IPv4.parseCIDR(cidr),
    );
    const numbers: number[] = [];
    for (const [address, length] of specialIPv4Ranges()) {
      const first = toNumber(address);
      const last = first + 2 ** (32 - length) - 1;
      numbers.push(first - 1, first, first + 1, last - 1, last, last + 1);
    }
    // And 20,000 addresses spread over the whole space (a fixed multiplicative stride).
    for (let i = 0; i < 20_000; i += 1) numbers.push(Math.imul(i, 2_654_435_761) >>> 0);

    const disagreements = numbers
      .filter((value) => value >= 0 && value < 2 ** 32)
      .map(
        (value) =>
          ipaddr.fromByteArray([
            value >>> 24,
            (value >>> 16) & 255,
            (value >>> 8) & 255,
            value & 255,
          ]) as ipaddr.IPv4,
      )
      .filter((ip) => !anycast.some((range) => ip.match(range)))
      .filter((ip) => (publicAddress(ip.toString()) !== null) !== (ip.range() === 'unicast'))
      .map((ip) => ip.toString());
    expect(numbers.length).toBeGreaterThan(20_000);
    expect(disagreements).toEqual([]);
  });
  it('should set apart the IPv6 addresses ipaddr.js calls special, edges included', () => {
    // ipaddr.js also sets apart the AS112 anycast service and calls NAT64 (64:ff9b::/96) special
    // only in part; no visitor comes from either.
    const skipped = ['2620:4f:8000::/48', '64:ff9b:1::/48'].map((cidr) =>
      ipaddr.IPv6.parseCIDR(cidr),
    );
    const globalUnicast = ipaddr.IPv6.parseCIDR('2000::/3');
    const addresses: ipaddr.IPv6[] = [];
    for (const [address, length] of [...specialIPv6Ranges(), globalUnicast]) {
      const first = address.toByteArray();
      const last = first.map((byte, i) => {
        const hostBits = Math.min(8, Math.max(0, (i + 1) * 8 - length));
        return byte | ((1 << hostBits) - 1);
      });
      for (const bytes of [first, last]) {
        addresses.push(ipaddr.fromByteArray(bytes) as ipaddr.IPv6);
        addresses.push(ipaddr.fromByteArray(step(bytes, -1)) as ipaddr.IPv6);
        addresses.push(ipaddr.fromByteArray(step(bytes, 1)) as ipaddr.IPv6);
      }
    }
    // And 20,000 addresses with first groups spread over 0000 to ffff.
    for (let i = 0; i < 20_000; i += 1) {
      const value = Math.imul(i, 2_654_435_761) >>> 0;
      addresses.push(
        ipaddr.IPv6.parse(`${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}::1`),
      );
    }

    const disagreements = addresses
      .filter((ip) => !skipped.some((range) => ip.match(range)))
      .filter((ip) => ip.range() !== 'ipv4Mapped')
      .filter((ip) => {
        // Only 2000::/3 is handed out as global unicast; ipaddr.js calls the rest unicast too.
        const expected = ip.match(globalUnicast) && ip.range() === 'unicast';
        return (publicAddress(ip.toString()) !== null) !== expected;
      })
      .map((ip) => `${ip.toString()} (${ip.range()})`);
    expect(addresses.length).toBeGreaterThan(20_000);
    expect(disagreements).toEqual([]);
  });
});

/** ipaddr.js's table of special IPv6 ranges (not in its typings). */
function specialIPv6Ranges(): [ipaddr.IPv6, number][] {
  const { SpecialRanges } = ipaddr.IPv6.prototype as unknown as {
    SpecialRanges: Record<string, [ipaddr.IPv6, number] | [ipaddr.IPv6, number][]>;
  };
  return Object.values(SpecialRanges).flatMap((ranges) =>
    Array.isArray(ranges[0])
      ? (ranges as [ipaddr.IPv6, number][])
      : [ranges as [ipaddr.IPv6, number]],
  );
}

/** The 16 bytes of an address plus `delta` (±1), wrapping at the ends of the space. */
function step(bytes: number[], delta: 1 | -1): number[] {
  const result = [...bytes];
  for (let i = 15; i >= 0; i -= 1) {
    result[i] = (result[i] + delta + 256) % 256;
    if (delta === 1 ? result[i] !== 0 : result[i] !== 255) break;
  }
  return result;
}

/** ipaddr.js's table of special IPv4 ranges (not in its typings). */
function specialIPv4Ranges(): [ipaddr.IPv4, number][] {
  const { SpecialRanges } = ipaddr.IPv4.prototype as unknown as {
    SpecialRanges: Record<string, [ipaddr.IPv4, number][]>;
  };
  return Object.values(SpecialRanges).flat();
}

function toNumber(ip: ipaddr.IPv4): number {
  return ip.octets.reduce((sum, octet) => sum * 256 + octet, 0);
}
