import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Drops the host part of an address before it is stored: IPv4 keeps its /24 (`203.0.113.0`),
 * IPv6 its /48 (`2001:db8:85a3::`). IPv4-mapped IPv6 (`::ffff:203.0.113.7`) counts as IPv4.
 * Returns null for anything that is not an IP address.
 */
export function anonymizeIp(address: string | undefined): string | null {
  // The common case, a dotted-quad IPv4 address, without parsing it into an object.
  if (address !== undefined && isIPv4(address)) {
    return `${address.slice(0, address.lastIndexOf('.'))}.0`;
  }
  const plain = address?.replace(/%.*$/, ''); // an IPv6 zone (`fe80::1%eth0`) is not an address
  if (!plain || !ipaddr.isValid(plain)) return null;
  let ip = ipaddr.parse(plain);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  }
  if (ip.kind() === 'ipv4') {
    const [a, b, c] = (ip as ipaddr.IPv4).octets;
    return `${a}.${b}.${c}.0`;
  }
  const parts = (ip as ipaddr.IPv6).parts;
  return new ipaddr.IPv6([parts[0], parts[1], parts[2], 0, 0, 0, 0, 0]).toString();
}
