import { parseTrustProxy, readEnvironment } from './environment.js';

/** The error `readEnvironment` throws for `source`, failing the test if it does not throw. */
function configurationError(source: Record<string, unknown>): Error {
  try {
    readEnvironment(source);
  } catch (error) {
    return error as Error;
  }
  throw new Error('readEnvironment did not throw');
}

describe('readEnvironment', () => {
  it('should apply the defaults when nothing is set', () => {
    const env = readEnvironment({});
    expect(env).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      HTTP_HEADERS_TIMEOUT_MS: 5_000,
      HTTP_REQUEST_TIMEOUT_MS: 10_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
      DATABASE_POOL_SIZE: 10,
      DATABASE_CONNECT_TIMEOUT_MS: 5000,
      INGEST_TIMEOUT_MS: 5000,
      HEALTH_TIMEOUT_MS: 1500,
      STATS_QUERY_TIMEOUT_MS: 30000,
      STATS_ROLLUP_INTERVAL_SECONDS: 60,
      STATS_RAW_MAX_PAGEVIEWS: 10_000,
      STATS_MAX_CONCURRENT_QUERIES: 4,
      EMBEDDED_POSTGRES_DIR: './data/postgres',
      EMBEDDED_POSTGRES_PORT: 54329,
      TRUST_PROXY: 'false',
      SESSION_TIMEOUT_MINUTES: 30,
      RATE_LIMIT_WINDOW_SECONDS: 60,
      RATE_LIMIT_MAX_REQUESTS: 600,
      SITE_CACHE_TTL_SECONDS: 30,
      EVENT_ID_RETENTION_DAYS: 30,
      RETENTION_INTERVAL_HOURS: 24,
      INGEST_MAX_BATCH_SIZE: 500,
      INGEST_MAX_CONCURRENT_BATCHES: 2,
      INGEST_MIN_CONCURRENT_BATCH_SIZE: 12,
      INGEST_MAX_QUEUE: 20_000,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
      CREATE_DEMO_SITE: true,
      SHUTDOWN_TIMEOUT_MS: 15_000,
    });
    expect(env.PUBLIC_URL).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.METRICS_TOKEN).toBeUndefined();
    expect(env.METRICS_PORT).toBeUndefined();
  });

  it('should turn whole-number variables into numbers', () => {
    const env = readEnvironment({ PORT: '3000', SESSION_TIMEOUT_MINUTES: ' 45 ' });
    expect(env.PORT).toBe(3000);
    expect(env.SESSION_TIMEOUT_MINUTES).toBe(45);
  });

  it('should treat an empty or blank variable as unset', () => {
    const env = readEnvironment({ PORT: '', SESSION_TIMEOUT_MINUTES: '   ', LOG_LEVEL: '' });
    expect(env.PORT).toBe(8080);
    expect(env.SESSION_TIMEOUT_MINUTES).toBe(30);
    expect(env.LOG_LEVEL).toBe('info');
  });

  it('should accept a zero where the range allows it', () => {
    expect(readEnvironment({ SITE_CACHE_TTL_SECONDS: '0' }).SITE_CACHE_TTL_SECONDS).toBe(0);
  });

  it.each([
    ['PORT', '0', 'between 1 and 65535'],
    ['PORT', '65536', 'between 1 and 65535'],
    ['PORT', 'eighty', 'between 1 and 65535'],
    ['PORT', '80.5', 'between 1 and 65535'],
    ['HTTP_HEADERS_TIMEOUT_MS', '99', 'of milliseconds between 100 and 600000'],
    ['HTTP_REQUEST_TIMEOUT_MS', '600001', 'of milliseconds between 100 and 600000'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '0', 'of milliseconds between 1000 and 3600000'],
    ['SESSION_TIMEOUT_MINUTES', '1441', 'of minutes between 1 and 1440'],
    ['INGEST_MAX_BATCH_SIZE', '-1', 'between 1 and 5000'],
    ['STATS_RAW_MAX_PAGEVIEWS', '-5', 'between 0 and 1000000000'],
    ['INGEST_MIN_CONCURRENT_BATCH_SIZE', '0', 'between 1 and 5000'],
    ['INGEST_TIMEOUT_MS', '99', 'of milliseconds between 100 and 60000'],
    ['HEALTH_TIMEOUT_MS', '60001', 'of milliseconds between 100 and 60000'],
  ])('should refuse %s=%s with a message giving the allowed range', (name, value, range) => {
    const { message } = configurationError({ [name]: value });
    expect(message).toContain(`${name} must be a whole number ${range}.`);
    expect(message).toContain(value);
  });

  it('should read the log level regardless of case and surrounding space', () => {
    expect(readEnvironment({ LOG_LEVEL: ' DEBUG ' }).LOG_LEVEL).toBe('debug');
  });

  it('should refuse an unknown log level, listing the valid ones', () => {
    expect(configurationError({ LOG_LEVEL: 'verbose' }).message).toContain(
      'LOG_LEVEL must be one of: fatal, error, warn, info, debug, trace, silent.',
    );
  });

  it('should read LOG_FORMAT regardless of case and refuse an unknown one', () => {
    expect(readEnvironment({ LOG_FORMAT: ' JSON ' }).LOG_FORMAT).toBe('json');
    expect(configurationError({ LOG_FORMAT: 'text' }).message).toContain(
      'LOG_FORMAT must be one of: auto, pretty, json.',
    );
  });

  it('should refuse a bad DATABASE_URL or REDIS_URL without echoing its password', () => {
    for (const [name, value] of [
      ['DATABASE_URL', 'mysql://root:pg-Secret-1@db/trackveil'],
      ['REDIS_URL', 'http://:redis-Secret-2@cache:6379'],
    ]) {
      const { message } = configurationError({ [name]: value });
      expect(message).toContain(`${name} must be`);
      expect(message).not.toContain('Secret');
    }
  });

  it('should accept a METRICS_TOKEN and refuse a short one without echoing it', () => {
    const token = 'f'.repeat(32);
    expect(readEnvironment({ METRICS_TOKEN: token }).METRICS_TOKEN).toBe(token);
    const { message } = configurationError({ METRICS_TOKEN: 'short-secret' });
    expect(message).toContain('METRICS_TOKEN must be 16 to 512 characters without spaces');
    expect(message).not.toContain('short-secret');
    expect(configurationError({ METRICS_TOKEN: 'has a space in it, so no' }).message).toContain(
      'METRICS_TOKEN must be',
    );
  });

  it('should read METRICS_PORT and refuse one out of range or equal to PORT', () => {
    expect(readEnvironment({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(configurationError({ METRICS_PORT: '70000' }).message).toContain(
      'METRICS_PORT must be a whole number between 1 and 65535.',
    );
    expect(configurationError({ PORT: '9000', METRICS_PORT: '9000' }).message).toContain(
      'METRICS_PORT must differ from PORT (both are 9000)',
    );
  });

  it.each([
    ['false', false],
    ['no', false],
    ['0', false],
    ['OFF', false],
    ['true', true],
    ['yes', true],
    ['1', true],
  ])('should read CREATE_DEMO_SITE=%s as %s', (value, expected) => {
    expect(readEnvironment({ CREATE_DEMO_SITE: value }).CREATE_DEMO_SITE).toBe(expected);
  });

  it('should refuse a CREATE_DEMO_SITE that is not a boolean', () => {
    expect(configurationError({ CREATE_DEMO_SITE: 'maybe' }).message).toContain(
      'CREATE_DEMO_SITE must be true or false.',
    );
  });

  it('should accept PostgreSQL and http(s) URLs', () => {
    const env = readEnvironment({
      DATABASE_URL: 'postgres://user:secret@db:5432/trackveil',
      PUBLIC_URL: 'https://analytics.example.com',
    });
    expect(env.DATABASE_URL).toBe('postgres://user:secret@db:5432/trackveil');
    expect(env.PUBLIC_URL).toBe('https://analytics.example.com');
  });

  it('should refuse a DATABASE_URL that is not a PostgreSQL URL', () => {
    expect(configurationError({ DATABASE_URL: 'mysql://db/trackveil' }).message).toContain(
      'DATABASE_URL must be a PostgreSQL URL',
    );
  });

  it.each(['redis://127.0.0.1:6379', 'rediss://:secret@redis.example.com:6380/2'])(
    'should accept REDIS_URL=%s',
    (url) => {
      expect(readEnvironment({ REDIS_URL: url }).REDIS_URL).toBe(url);
    },
  );

  it.each(['http://redis:6379', 'redis:6379', '127.0.0.1:6379'])(
    'should refuse REDIS_URL=%s, which is not a redis:// or rediss:// URL',
    (url) => {
      const { message } = configurationError({ REDIS_URL: url });
      expect(message).toContain('REDIS_URL must be a redis:// or rediss:// URL');
    },
  );

  it('should report every bad variable in one error', () => {
    const error = configurationError({
      PORT: 'abc',
      SESSION_TIMEOUT_MINUTES: '0',
      LOG_LEVEL: 'loud',
      PUBLIC_URL: 'analytics.example.com',
      TRUST_PROXY: 'true',
      HOST: '127.0.0.1',
    });

    expect(error.message).toMatch(/^Invalid configuration:/);
    for (const name of [
      'PORT',
      'SESSION_TIMEOUT_MINUTES',
      'LOG_LEVEL',
      'PUBLIC_URL',
      'TRUST_PROXY',
    ]) {
      expect(error.message).toContain(name);
    }
    expect(error.message).not.toContain('HOST');
    expect(error.message.split('\n  - ')).toHaveLength(6); // the heading and five problems
  });

  it('should name each bad variable only once even when it breaks several rules', () => {
    const error = configurationError({ PORT: 'abc' });
    expect(error.message.match(/PORT must be/g)).toHaveLength(1);
  });

  it('should refuse a headers timeout longer than the request timeout, which includes it', () => {
    expect(
      readEnvironment({ HTTP_HEADERS_TIMEOUT_MS: '3000', HTTP_REQUEST_TIMEOUT_MS: '3000' }),
    ).toMatchObject({ HTTP_HEADERS_TIMEOUT_MS: 3000, HTTP_REQUEST_TIMEOUT_MS: 3000 });
    expect(
      configurationError({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '15000' })
        .message,
    ).toContain(
      'HTTP_HEADERS_TIMEOUT_MS (20000) must not be longer than HTTP_REQUEST_TIMEOUT_MS (15000)',
    );
  });

  it('should validate TRUST_PROXY', () => {
    expect(readEnvironment({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe('1');
    expect(configurationError({ TRUST_PROXY: 'nonsense' }).message).toContain(
      'TRUST_PROXY must be false, a hop count',
    );
  });
});

describe('parseTrustProxy', () => {
  it.each(['false', 'FALSE', '0', '', '   '])('should read %j as trusting no proxy', (raw) => {
    expect(parseTrustProxy(raw)).toBe(false);
  });

  it('should read a number as a hop count', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy(' 3 ')).toBe(3);
  });

  it('should read a comma-separated list of addresses and CIDRs', () => {
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.1 ,fd00::/8')).toEqual([
      '10.0.0.0/8',
      '192.168.1.1',
      'fd00::/8',
    ]);
  });

  it('should accept the proxy-addr keywords', () => {
    expect(parseTrustProxy('Loopback,uniquelocal')).toEqual(['loopback', 'uniquelocal']);
  });

  it('should refuse true, which would let any client forge its address', () => {
    expect(() => parseTrustProxy('true')).toThrow(
      'TRUST_PROXY=true would trust any X-Forwarded-For',
    );
    expect(() => parseTrustProxy(' True ')).toThrow('TRUST_PROXY=true');
  });

  it.each(['garbage', '10.0.0.0/99', '-1', '10.0.0.1,not-an-ip'])(
    'should refuse %j with a message quoting the value',
    (raw) => {
      expect(() => parseTrustProxy(raw)).toThrow(
        `TRUST_PROXY must be false, a hop count such as 1, or a comma-separated list of IP addresses/CIDRs (got "${raw}").`,
      );
    },
  );
});
