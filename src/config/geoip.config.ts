import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment.js';

/** What `GEOIP_DATABASE` asks for: the bundled database, an mmdb file, or no look-ups. */
export type GeoIpDatabase = { kind: 'bundled' } | { kind: 'file'; path: string } | { kind: 'off' };

export function parseGeoIpDatabase(value: string | undefined): GeoIpDatabase {
  if (value === undefined) return { kind: 'bundled' };
  if (value.toLowerCase() === 'off') return { kind: 'off' };
  return { kind: 'file', path: value };
}

export const geoipConfig = registerAs('geoip', () => ({
  database: parseGeoIpDatabase(readEnvironment().GEOIP_DATABASE),
}));

export type GeoIpConfig = ReturnType<typeof geoipConfig>;
