/**
 * `npm run build && node dist/bench/geoip.bench.js`: what the country look-up costs an event, per
 * call, in-process, against the bundled database: public IPv4 and IPv6 addresses the data knows
 * (10,000 each, drawn at random with a fixed seed), a private address (refused before the
 * database), and `anonymizeIp`, the step every event already takes, for scale. Also the start:
 * the time to read the database and the memory it holds.
 */
import { Logger } from '@nestjs/common';
import { GeoIpService } from '../src/geoip/geoip.service.js';
import { anonymizeIp } from '../src/tracking/anonymize-ip.js';

const ADDRESSES = 10_000;
const PASSES = 100;
const ROUNDS = 5;

Logger.overrideLogger(false);

/** A small seeded PRNG (mulberry32), so every run draws the same addresses. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const next = random(42);
const byte = () => Math.floor(next() * 256);
const word = () => Math.floor(next() * 65_536).toString(16);

global.gc?.();
const heapBefore = process.memoryUsage();
const openStarted = process.hrtime.bigint();
const geoIp = GeoIpService.open({ kind: 'bundled' });
const openMs = Number(process.hrtime.bigint() - openStarted) / 1e6;
global.gc?.();
const heapAfter = process.memoryUsage();

function knownAddresses(draw: () => string): string[] {
  const found: string[] = [];
  while (found.length < ADDRESSES) {
    const address = draw();
    if (geoIp.countryOf(address) !== null) found.push(address);
  }
  return found;
}

const ipv4 = knownAddresses(() => `${1 + (byte() % 223)}.${byte()}.${byte()}.${byte()}`);
// Global unicast space the RIRs hand out: 2001::/16 to 2c0f::/16.
const ipv6 = knownAddresses(
  () => `${(0x2001 + Math.floor(next() * 0xc0e)).toString(16)}:${word()}:${word()}::${word()}`,
);

function nanosecondsPerCall(addresses: string[], run: (address: string) => unknown): number {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    for (let pass = 0; pass < PASSES; pass += 1) {
      for (const address of addresses) run(address);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / (PASSES * addresses.length));
  }
  return best;
}

const figures = {
  'countryOf, public IPv4 the data knows': nanosecondsPerCall(ipv4, (a) => geoIp.countryOf(a)),
  'countryOf, public IPv6 the data knows': nanosecondsPerCall(ipv6, (a) => geoIp.countryOf(a)),
  'countryOf, a private IPv4 address': nanosecondsPerCall(
    Array<string>(ADDRESSES).fill('192.168.1.20'),
    (a) => geoIp.countryOf(a),
  ),
  'anonymizeIp, the same IPv4 (for scale)': nanosecondsPerCall(ipv4, (a) => anonymizeIp(a)),
  'anonymizeIp, the same IPv6 (for scale)': nanosecondsPerCall(ipv6, (a) => anonymizeIp(a)),
};

console.log(`Node ${process.version}, best of ${ROUNDS} rounds of ${PASSES} passes`);
for (const [name, ns] of Object.entries(figures)) {
  console.log(`${name.padEnd(42)} ${ns.toFixed(0).padStart(6)} ns/call`);
}
console.log(
  `open (read and index the bundled database)   ${openMs.toFixed(0)} ms, ` +
    `+${((heapAfter.external - heapBefore.external) / 2 ** 20).toFixed(1)} MB off-heap, ` +
    `+${((heapAfter.heapUsed - heapBefore.heapUsed) / 2 ** 20).toFixed(1)} MB heap`,
);
