import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The IPv4 blocks of IANA's special-purpose registry that are not globally reachable, plus
 * 224.0.0.0/3 (multicast, reserved, broadcast), as [first address, prefix length]. Compared as
 * numbers: IPv4 is most of the traffic, and ipaddr.js would parse it into an object first.
 */
const SPECIAL_IPV4: readonly (readonly [number, number])[] = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // 6to4 relay anycast (deprecated)
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/3', // multicast, reserved, broadcast
].map((cidr) => {
  const [first, length] = cidr.split('/');
  return [ipv4Number(first), Number(length)] as const;
});

function ipv4Number(address: string): number {
  const [a, b, c, d] = address.split('.');
  return ((Number(a) << 24) | (Number(b) << 16) | (Number(c) << 8) | Number(d)) >>> 0;
}

function isPublicIPv4(address: string): boolean {
  const value = ipv4Number(address);
  for (const [first, length] of SPECIAL_IPV4) {
    if ((value ^ first) >>> (32 - length) === 0) return false;
  }
  return true;
}

/**
 * Whether an IPv6 address whose first group is `high` (not 0) and second `next` is global unicast
 * (2000::/3) outside the special blocks in it: IETF protocol assignments (2001::/23: Teredo,
 * benchmarking, ORCHID…), documentation (2001:db8::/32, 3fff::/20) and 6to4 (2002::/16).
 */
function isPublicIPv6(high: number, next: number): boolean {
  if (high < 0x2000 || high > 0x3fff) return false;
  if (high === 0x2001) return next >= 0x200 && next !== 0xdb8;
  if (high === 0x3fff) return next >= 0x1000;
  return high !== 0x2002;
}

/**
 * `ip` as an IP database is keyed (IPv4-mapped IPv6 as IPv4, IPv6 without a zone), or null when
 * it is not a public unicast address: private, loopback, documentation and other special ranges
 * are in no country, even where a database holds an entry for them. IPv6 is judged by its first
 * two groups, without parsing the rest: ipaddr.js takes microseconds per IPv6 address.
 */
export function publicAddress(ip: string): string | null {
  if (isIPv4(ip)) return isPublicIPv4(ip) ? ip : null;
  const plain = ip.replace(/%.*$/, '');
  if (!isIPv6(plain)) return null;
  const [first, second = ''] = plain.split(':', 2);
  const high = first === '' ? 0 : parseInt(first, 16);
  if (high !== 0)
    return isPublicIPv6(high, second === '' ? 0 : parseInt(second, 16)) ? plain : null;
  // ::/16 holds no public IPv6 address, only IPv4 written as IPv6 (`::ffff:193.0.6.139`).
  const parsed = ipaddr.IPv6.parse(plain);
  if (!parsed.isIPv4MappedAddress()) return null;
  const ipv4 = parsed.toIPv4Address().toString();
  return isPublicIPv4(ipv4) ? ipv4 : null;
}
