import { inject } from 'vitest';
import { cleanEnv, requireBuilt, runNode } from './utils/child-process.js';
import { freePort } from './utils/free-port.js';
import { databaseUrl } from './utils/test-database.js';

const SERVER = 'dist/src/main.js';

/**
 * A start that cannot succeed stops at once with a message for the operator, and logs as the
 * running server does: JSON lines when LOG_FORMAT=json, never Nest's own coloured format, and
 * no stack trace for what a person has to fix in the settings.
 */
describe('a start that cannot succeed', () => {
  beforeAll(() => requireBuilt(SERVER));

  const start = async (env: Record<string, string>) => {
    const result = await runNode(
      SERVER,
      [],
      cleanEnv({ PORT: String(await freePort()), HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env }),
    );
    const lines = result.stdout.split('\n').filter(Boolean);
    return { ...result, lines };
  };

  const expectJsonLogs = (lines: string[]) => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  };

  it('should name an unreadable GEOIP_DATABASE, without a stack trace', async () => {
    const result = await start({
      GEOIP_DATABASE: '/nonexistent/GeoLite2-Country.mmdb',
      DATABASE_URL: databaseUrl(inject('adminDatabaseUrl'), 'postgres'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "Trackveil could not start.\nGEOIP_DATABASE names /nonexistent/GeoLite2-Country.mmdb, which cannot be read as a MaxMind DB (.mmdb) file: ENOENT: no such file or directory, open '/nonexistent/GeoLite2-Country.mmdb'. Set GEOIP_DATABASE to the path of an uncompressed .mmdb country or city database, leave it unset for the bundled one, or set it to off.\n",
    );
    expectJsonLogs(result.lines);
    const error = result.lines
      .map((line) => JSON.parse(line) as { level: string; msg: string; err?: unknown })
      .find((entry) => entry.level === 'error');
    expect(error?.msg).toMatch(/^GEOIP_DATABASE names/);
    expect(error?.err).toBeUndefined();
  });

  it('should say that the database of DATABASE_URL does not exist, at once and without retrying', async () => {
    const result = await start({
      DATABASE_URL: databaseUrl(inject('adminDatabaseUrl'), 'trackveil_not_created'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Trackveil could not start.\nPostgreSQL refused the connection',
    );
    expect(result.stderr).toContain('database "trackveil_not_created" does not exist');
    expect(result.stderr).toContain('createdb trackveil_not_created');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expectJsonLogs(result.lines);
    // TypeORM logs "Unable to connect to the database. Retrying (1)..." before each retry.
    expect(result.stdout).not.toContain('Retrying');
  });
});
