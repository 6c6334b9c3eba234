import { isIPv4, isIPv6 } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import ipaddr from 'ipaddr.js';

/** Express's compiled `trust proxy` setting: is the hop at `index` (0 = socket) a trusted proxy? */
export type TrustFunction = (address: string, index: number) => boolean;

/** Longer entries are not addresses: IPv6 takes at most 45 characters, 53 with `[]:65535`. */
const MAX_ENTRY_LENGTH = 64;

const PORT = /^\d{1,5}$/;

/**
 * One `X-Forwarded-For` entry as an address, or undefined when it is not one (`unknown`, RFC
 * 7239's `_hidden`, anything else). Some load balancers append the client's port:
 * `203.0.113.7:4711` and `[2001:db8::1]:4711` are read as their address; a bare IPv6 address
 * (`2001:db8::1`) is not mistaken for host:port. IPv4-mapped IPv6 becomes IPv4, and IPv6 is
 * written in its canonical form, so each client has one spelling.
 */
export function parseForwardedAddress(entry: string): string | undefined {
  if (entry.length > MAX_ENTRY_LENGTH) return undefined;
  if (isIPv4(entry)) return entry;
  // A dual-stack socket's IPv4 peer (`::ffff:127.0.0.1`), on every request: no need to parse.
  if (entry.startsWith('::ffff:') && isIPv4(entry.slice(7))) return entry.slice(7);
  let address = entry;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    const rest = entry.slice(close + 1);
    if (close === -1 || (rest !== '' && !(rest.startsWith(':') && isPort(rest.slice(1))))) {
      return undefined;
    }
    address = entry.slice(1, close);
  } else {
    const colon = entry.indexOf(':');
    // Exactly one colon after a dotted quad: IPv4 with a port. More colons: IPv6.
    if (colon !== -1 && colon === entry.lastIndexOf(':')) {
      const host = entry.slice(0, colon);
      return isIPv4(host) && isPort(entry.slice(colon + 1)) ? host : undefined;
    }
  }
  return canonicalIPv6(address);
}

function isPort(text: string): boolean {
  return PORT.test(text) && Number(text) <= 65535;
}

function canonicalIPv6(text: string): string | undefined {
  // A zone (`fe80::1%eth0`) names an interface of the host that wrote it; it is not part of the
  // client's address.
  const plain = text.replace(/%.*$/, '');
  if (!isIPv6(plain)) return undefined;
  const ip = ipaddr.IPv6.parse(plain);
  return ip.isIPv4MappedAddress() ? ip.toIPv4Address().toString() : ip.toString();
}

/**
 * The client's address: the `X-Forwarded-For` entries are walked from the right (the socket's
 * peer first), as Express does, and the first hop `trust` does not trust is the client. An entry
 * that is not an address ends the walk: the client is then the last address that was one (the
 * proxy that passed it on), as nginx's realip module does, so a forged or garbled header can
 * neither crash a request nor end up stored. Empty entries are skipped, as Express and nginx do.
 */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trust: TrustFunction,
): string | undefined {
  let client = socketAddress === undefined ? undefined : parseForwardedAddress(socketAddress);
  if (client === undefined || !forwardedFor || !trust(client, 0)) return client;
  const entries = forwardedFor.split(',');
  for (let i = entries.length - 1, hop = 1; i >= 0; i--) {
    const entry = entries[i].trim();
    if (entry === '') continue;
    const address = parseForwardedAddress(entry);
    if (address === undefined) return client;
    client = address;
    if (!trust(address, hop++)) return client;
  }
  return client;
}

/**
 * Makes `req.ip` the address `resolveClientAddress` finds under the app's `trust proxy` setting,
 * for every route: the rate limits and the stored (anonymized) address read it. Express's own
 * `req.ip` returns the first untrusted `X-Forwarded-For` entry verbatim, port, garbage and all.
 */
export function useResolvedClientAddress(app: NestExpressApplication): void {
  const express = app.getHttpAdapter().getInstance() as { request: object };
  Object.defineProperty(express.request, 'ip', {
    configurable: true,
    enumerable: true,
    get(this: Request): string | undefined {
      const trust = this.app.get('trust proxy fn') as TrustFunction;
      const forwardedFor = this.headers['x-forwarded-for'];
      return resolveClientAddress(
        this.socket.remoteAddress,
        Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor,
        trust,
      );
    },
  });
}
