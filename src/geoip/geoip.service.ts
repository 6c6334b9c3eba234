import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Logger } from '@nestjs/common';
import { type CountryResponse, Reader } from 'maxmind';
import { ConfigurationError } from '../config/environment.js';
import type { GeoIpDatabase } from '../config/geoip.config.js';
import { COUNTRY_CODES } from './country-codes.js';
import { publicAddress } from './public-address.js';

/** ip-location-db's layout (`country_code`) or MaxMind's GeoLite2/GeoIP2 one (`country.iso_code`). */
type CountryRecord = CountryResponse & { country_code?: unknown };

/**
 * Decoded records by data offset. A country database has a few hundred; the bound keeps a city
 * database (millions) from filling the memory.
 */
class DecodedRecords extends Map<number, unknown> {
  override set(offset: number, record: unknown): this {
    if (this.size >= 10_000) this.clear();
    return super.set(offset, record);
  }
}

/** The combined IPv4 + IPv6 file of `@ip-location-db/geo-whois-asn-country-mmdb`. */
export function bundledDatabasePath(): string {
  return createRequire(import.meta.url).resolve(
    '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
  );
}

/**
 * The visitor's country, from an IP-to-country database read into memory at start: no look-up
 * leaves the machine. Addresses are looked up whole, before they are anonymized, and never kept.
 * Built by `GeoIpService.open` (see `GeoIpModule`).
 */
export class GeoIpService {
  constructor(private readonly reader: Reader<CountryRecord> | null) {}

  /**
   * Opens the database `GEOIP_DATABASE` names, synchronously (the bundled one is 8 MB), and logs
   * which it is. Throws, naming the variable, when the file cannot be read or is not an mmdb.
   */
  static open(database: GeoIpDatabase): GeoIpService {
    const logger = new Logger(GeoIpService.name);
    if (database.kind === 'off') {
      logger.log('Country look-ups are off (GEOIP_DATABASE=off); sessions get no country.');
      return new GeoIpService(null);
    }
    const path = database.kind === 'file' ? database.path : bundledDatabasePath();
    let reader: Reader<CountryRecord>;
    try {
      reader = new Reader<CountryRecord>(readFileSync(path), { cache: new DecodedRecords() });
    } catch (error) {
      const given =
        database.kind === 'file' ? `GEOIP_DATABASE names ${path}` : `The bundled database ${path}`;
      throw new ConfigurationError(
        `${given}, which cannot be read as a MaxMind DB (.mmdb) file: ${(error as Error).message}. Set GEOIP_DATABASE to the path of an uncompressed .mmdb country or city database, leave it unset for the bundled one, or set it to off.`,
        { cause: error },
      );
    }
    const { databaseType, buildEpoch } = reader.metadata;
    const what = database.kind === 'bundled' ? 'the bundled database' : 'GEOIP_DATABASE';
    logger.log(
      `Country look-ups use ${what} ${path} (${databaseType}, built ${buildEpoch.toISOString().slice(0, 10)}).`,
    );
    return new GeoIpService(reader);
  }

  /**
   * The ISO 3166-1 alpha-2 code of the country `ip` is in, upper case; null when the database has
   * no country for it, when the address is not a public unicast one (private, loopback,
   * documentation…: the data holds wrong entries for some of these), or when look-ups are off.
   */
  countryOf(ip: string | undefined): string | null {
    if (!this.reader || !ip) return null;
    const address = publicAddress(ip);
    if (address === null) return null;
    const record = this.reader.get(address);
    const code = record?.country_code ?? record?.country?.iso_code;
    if (typeof code !== 'string') return null;
    const upper = code.toUpperCase();
    return COUNTRY_CODES.has(upper) ? upper : null;
  }
}
