import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { writeMmdb } from '../../test/utils/mmdb.js';
import { parseGeoIpDatabase } from '../config/geoip.config.js';
import { readEnvironment } from '../config/environment.js';
import { bundledDatabasePath, GeoIpService } from './geoip.service.js';

describe('GeoIpService', () => {
  let log: ReturnType<typeof vi.spyOn>;

  beforeAll(() => {
    log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterAll(() => {
    log.mockRestore();
  });

  describe('with the bundled database', () => {
    let geoIp: GeoIpService;

    beforeAll(() => {
      geoIp = GeoIpService.open({ kind: 'bundled' });
    });

    // Checked in the data: Google DNS, RIPE NCC (Amsterdam), NIC.br (São Paulo), AFRINIC (Mauritius).
    it.each([
      ['8.8.8.8', 'US'],
      ['193.0.6.139', 'NL'],
      ['200.160.2.3', 'BR'],
      ['2001:67c:2e8::1', 'NL'],
      ['2001:12ff::1', 'BR'],
      ['2001:43f8:120::1', 'MU'],
      ['2001:67C:2E8:0:0:0:0:1', 'NL'],
      // A /24 of AWS's geofeed split between countries: the full address decides.
      ['3.2.33.77', 'FR'],
      ['3.2.33.0', 'US'],
    ])('should find the country of %s: %s', (ip, country) => {
      expect(geoIp.countryOf(ip)).toBe(country);
    });

    it('should look up an IPv4-mapped IPv6 address as the IPv4 address it holds', () => {
      // The database keys IPv4 in its own subtree: looked up as IPv6, this address has no record.
      expect(geoIp.countryOf('::ffff:193.0.6.139')).toBe('NL');
    });

    it.each([
      ['private', '10.1.2.3'],
      ['private, held as AU in the data', '192.168.1.1'],
      ['loopback', '127.0.0.1'],
      ['carrier-grade NAT', '100.64.0.1'],
      ['link-local', '169.254.1.1'],
      ['documentation, held as AU in the data', '203.0.113.7'],
      ['unspecified', '0.0.0.0'],
      ['broadcast', '255.255.255.255'],
      ['multicast', '224.0.0.1'],
      ['IPv6 loopback', '::1'],
      ['IPv6 unique local', 'fd12:3456:789a::1'],
      ['IPv6 link-local with a zone', 'fe80::1%eth0'],
      ['IPv6 documentation, held as JP in the data', '2001:db8::1'],
      ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ])('should answer null for a %s address (%s)', (_, ip) => {
      expect(geoIp.countryOf(ip)).toBeNull();
    });

    it.each([undefined, '', 'example.com', '1.2.3', '8.8.8.8.8', '08.8.8.8', '2001:67c:2e8::1::'])(
      'should answer null for %j, which is not an address',
      (ip) => {
        expect(geoIp.countryOf(ip)).toBeNull();
      },
    );

    it('should say at start which database it uses', () => {
      expect(log).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Country look-ups use the bundled database .*geo-whois-asn-country\.mmdb \(country ipvAll, built \d{4}-\d\d-\d\d\)\.$/,
        ),
      );
    });

    it('should be the combined IPv4 and IPv6 file of the package', () => {
      expect(bundledDatabasePath()).toMatch(
        /@ip-location-db\/geo-whois-asn-country-mmdb\/geo-whois-asn-country\.mmdb$/,
      );
    });
  });

  describe('with GEOIP_DATABASE=off', () => {
    it('should look nothing up', () => {
      const geoIp = GeoIpService.open({ kind: 'off' });
      expect(geoIp.countryOf('8.8.8.8')).toBeNull();
      expect(log).toHaveBeenCalledWith(expect.stringContaining('GEOIP_DATABASE=off'));
    });
  });

  describe('with a database file of its own', () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'trackveil-geoip-'));
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    const open = (name: string, contents: Buffer | string): GeoIpService => {
      const path = join(dir, name);
      writeFileSync(path, contents);
      return GeoIpService.open({ kind: 'file', path });
    };

    it("should read MaxMind's GeoLite2/GeoIP2 layout (country.iso_code) and upper-case codes", () => {
      const geoIp = open(
        'GeoLite2-Country.mmdb',
        writeMmdb(
          {
            '81.2.69.0/24': { country: { iso_code: 'GB', geoname_id: 2635167 } },
            '2.125.160.0/24': { country: { iso_code: 'gb' } },
            '89.160.20.0/24': { registered_country: { iso_code: 'SE' } },
            '67.43.156.0/24': { country_code: 'BT' },
          },
          'GeoLite2-Country',
        ),
      );
      expect(geoIp.countryOf('81.2.69.160')).toBe('GB');
      expect(geoIp.countryOf('2.125.160.216')).toBe('GB');
      expect(geoIp.countryOf('67.43.156.1')).toBe('BT');
      // Only where the network is registered, not where its users are: not their country.
      expect(geoIp.countryOf('89.160.20.112')).toBeNull();
      expect(geoIp.countryOf('81.2.70.1')).toBeNull();
      expect(log).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Country look-ups use GEOIP_DATABASE .*GeoLite2-Country\.mmdb \(GeoLite2-Country, built 2025-12-06\)\.$/,
        ),
      );
    });

    it.each([
      ['unknown', 'ZZ'],
      ['Europe', 'EU'],
      ['Asia/Pacific', 'AP'],
      ['the withdrawn Netherlands Antilles', 'AN'],
      ['three letters', 'GBR'],
      ['a number', 826],
    ])('should answer null for a record that names %s (%j)', (_, code) => {
      const geoIp = open('odd-codes.mmdb', writeMmdb({ '81.2.69.0/24': { country_code: code } }));
      expect(geoIp.countryOf('81.2.69.160')).toBeNull();
    });

    it('should stop the start, naming GEOIP_DATABASE, when the file is missing', () => {
      expect(() => GeoIpService.open({ kind: 'file', path: join(dir, 'missing.mmdb') })).toThrow(
        /^GEOIP_DATABASE names .*missing\.mmdb, which cannot be read as a MaxMind DB \(\.mmdb\) file: ENOENT.* or set it to off\.$/,
      );
    });

    it('should stop the start, naming GEOIP_DATABASE, when the file is not an mmdb', () => {
      expect(() => open('GeoLite2-Country.tar.gz', 'not a database')).toThrow(
        /^GEOIP_DATABASE names .*GeoLite2-Country\.tar\.gz, which cannot be read as a MaxMind DB/,
      );
    });
  });
});

describe('GEOIP_DATABASE', () => {
  it.each([
    [undefined, { kind: 'bundled' }],
    ['', { kind: 'bundled' }],
    ['  ', { kind: 'bundled' }],
    ['off', { kind: 'off' }],
    [' OFF ', { kind: 'off' }],
    [
      '/var/lib/geoip/GeoLite2-Country.mmdb',
      { kind: 'file', path: '/var/lib/geoip/GeoLite2-Country.mmdb' },
    ],
  ])('should read %j as %j', (value, expected) => {
    const source = value === undefined ? {} : { GEOIP_DATABASE: value };
    expect(parseGeoIpDatabase(readEnvironment(source).GEOIP_DATABASE)).toEqual(expected);
  });
});
