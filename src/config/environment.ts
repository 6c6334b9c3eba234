import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { availableParallelism } from 'node:os';
import proxyAddr from 'proxy-addr';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Who may sign up: only the first user, nobody without an invitation, or anyone. */
export const REGISTRATION_POLICIES = ['first', 'invite', 'open'] as const;
export type RegistrationPolicy = (typeof REGISTRATION_POLICIES)[number];

export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** An optional whole-number variable within [min, max]; one message names the variable and range. */
function IntegerVariable(min: number, max: number, unit?: string): PropertyDecorator {
  const range = `${min} and ${max}`;
  const what = unit
    ? `a whole number of ${unit} between ${range}`
    : `a whole number between ${range}`;
  const message = ({ property }: { property: string }) => `${property} must be ${what}.`;
  return (target, key) => {
    for (const decorator of [
      IsOptional(),
      Transform(toInt),
      IsInt({ message }),
      Min(min, { message }),
      Max(max, { message }),
    ]) {
      decorator(target, key);
    }
  };
}

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  return value;
};

/**
 * Every environment variable Trackveil reads, with its default. The README's configuration table
 * mirrors this class; keep them together.
 */
export class Environment {
  @IntegerVariable(1, 65535)
  PORT = 8080;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @IntegerVariable(100, 600_000, 'milliseconds')
  HTTP_HEADERS_TIMEOUT_MS = 5_000;

  @IntegerVariable(100, 600_000, 'milliseconds')
  HTTP_REQUEST_TIMEOUT_MS = 10_000;

  @IntegerVariable(1_000, 3_600_000, 'milliseconds')
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;

  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    {
      message: 'PUBLIC_URL must be an absolute http(s) URL such as https://analytics.example.com.',
    },
  )
  PUBLIC_URL?: string;

  @IsOptional()
  @IsUrl(
    { protocols: ['postgres', 'postgresql'], require_protocol: true, require_tld: false },
    {
      message:
        'DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/trackveil, or be left unset to use the embedded PostgreSQL.',
    },
  )
  DATABASE_URL?: string;

  @IntegerVariable(1, 200)
  DATABASE_POOL_SIZE = 10;

  @IntegerVariable(100, 60000, 'milliseconds')
  DATABASE_CONNECT_TIMEOUT_MS = 5000;

  @IntegerVariable(100, 60000, 'milliseconds')
  INGEST_TIMEOUT_MS = 5000;

  @IntegerVariable(100, 60000, 'milliseconds')
  HEALTH_TIMEOUT_MS = 1500;

  @IntegerVariable(100, 600000, 'milliseconds')
  STATS_QUERY_TIMEOUT_MS = 30000;

  @IntegerVariable(1, 64)
  STATS_MAX_CONCURRENT_QUERIES = 4;

  @IntegerVariable(0, 3600, 'seconds')
  STATS_ROLLUP_INTERVAL_SECONDS = 60;

  @IntegerVariable(0, 1_000_000_000)
  STATS_RAW_MAX_PAGEVIEWS = 10_000;

  @IntegerVariable(0, 65536, 'MiB')
  STATS_COLUMNS_CACHE_MB = 512;

  @IntegerVariable(0, 64)
  STATS_COUNT_THREADS = Math.min(4, availableParallelism());

  @IsOptional()
  @IsString()
  EMBEDDED_POSTGRES_DIR = './data/postgres';

  @IntegerVariable(1024, 65535)
  EMBEDDED_POSTGRES_PORT = 54329;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  TRUST_PROXY = 'false';

  @IntegerVariable(1, 1440, 'minutes')
  SESSION_TIMEOUT_MINUTES = 30;

  @IntegerVariable(1, 3600, 'seconds')
  RATE_LIMIT_WINDOW_SECONDS = 60;

  @IntegerVariable(1, 1_000_000)
  RATE_LIMIT_MAX_REQUESTS = 600;

  @IsOptional()
  @IsUrl(
    { protocols: ['redis', 'rediss'], require_protocol: true, require_tld: false },
    {
      message:
        'REDIS_URL must be a redis:// or rediss:// URL such as redis://redis:6379, or be left unset to count rate limits in each replica.',
    },
  )
  REDIS_URL?: string;

  @IntegerVariable(0, 3600, 'seconds')
  SITE_CACHE_TTL_SECONDS = 30;

  @IntegerVariable(1, 3650, 'days')
  EVENT_ID_RETENTION_DAYS = 30;

  @IntegerVariable(1, 720, 'hours')
  RETENTION_INTERVAL_HOURS = 24;

  /** Unset: the bundled country database; `off`: no look-ups; else the path of an .mmdb file. */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  GEOIP_DATABASE?: string;

  @IntegerVariable(1, 5000)
  INGEST_MAX_BATCH_SIZE = 500;

  @IntegerVariable(1, 64)
  INGEST_MAX_CONCURRENT_BATCHES = 2;

  @IntegerVariable(1, 5000)
  INGEST_MIN_CONCURRENT_BATCH_SIZE = 12;

  @IntegerVariable(1, 1_000_000)
  INGEST_MAX_QUEUE = 20_000;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of: ${LOG_LEVELS.join(', ')}.` })
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be one of: ${LOG_FORMATS.join(', ')}.` })
  LOG_FORMAT: LogFormat = 'auto';

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'CREATE_DEMO_SITE must be true or false.' })
  CREATE_DEMO_SITE = true;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'SERVE_TEST_PAGE must be true or false.' })
  SERVE_TEST_PAGE = true;

  @IntegerVariable(0, 600_000, 'milliseconds')
  SHUTDOWN_TIMEOUT_MS = 15_000;

  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,512}$/, {
    message:
      'METRICS_TOKEN must be 16 to 512 characters without spaces, such as the output of `openssl rand -hex 32`.',
  })
  METRICS_TOKEN?: string;

  @IntegerVariable(1, 65535)
  METRICS_PORT?: number;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(REGISTRATION_POLICIES, {
    message: `REGISTRATION must be one of: ${REGISTRATION_POLICIES.join(', ')}.`,
  })
  REGISTRATION: RegistrationPolicy = 'first';

  @IntegerVariable(1, 365, 'days')
  AUTH_SESSION_IDLE_DAYS = 14;

  @IntegerVariable(1, 3650, 'days')
  AUTH_SESSION_MAX_DAYS = 90;

  @IsOptional()
  @IsUrl(
    { protocols: ['smtp', 'smtps'], require_protocol: true, require_tld: false },
    {
      message:
        'SMTP_URL must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example.com:465, or be left unset to show invitation and reset links instead of e-mailing them.',
    },
  )
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  MAIL_FROM = 'Trackveil <trackveil@localhost>';

  @IntegerVariable(1, 3650, 'days')
  AUDIT_RETENTION_DAYS = 180;

  @IntegerVariable(1, 90, 'days')
  INVITATION_EXPIRY_DAYS = 7;
  /** The window of the sign-in and password-reset limits below. */
  @IntegerVariable(1, 1440, 'minutes')
  AUTH_RATE_LIMIT_WINDOW_MINUTES = 15;

  /** Sign-in attempts for one e-mail address per window, from anywhere; then 429. */
  @IntegerVariable(1, 100_000)
  AUTH_MAX_ATTEMPTS_PER_EMAIL = 10;

  /** Sign-in, sign-up and reset attempts from one client address (IPv6: one /64) per window. */
  @IntegerVariable(1, 100_000)
  AUTH_MAX_ATTEMPTS_PER_ADDRESS = 30;
}

/** Variables whose values never appear in an error message (URLs may carry a password). */
const SECRET_VARIABLES = new Set(['METRICS_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL']);

/** What `TRUST_PROXY` turns into: Express's `trust proxy` setting. */
export type TrustProxySetting = boolean | number | string[];

/**
 * Parses `TRUST_PROXY`: `false` (default, use the socket address), a hop count such as `1`, or a
 * comma-separated list of proxy addresses/CIDRs (and the keywords `loopback`, `linklocal`,
 * `uniquelocal`). `true` (trust every hop) is refused: any client could then forge its address.
 */
export function parseTrustProxy(raw: string): TrustProxySetting {
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'false' || value === '0') return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') {
    throw new Error(
      'TRUST_PROXY=true would trust any X-Forwarded-For a client sends; give the number of proxies in front of Trackveil (e.g. 1) or their addresses/CIDRs instead.',
    );
  }
  const list = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  try {
    proxyAddr.compile(list);
  } catch {
    throw new Error(
      `TRUST_PROXY must be false, a hop count such as 1, or a comma-separated list of IP addresses/CIDRs (got "${raw}").`,
    );
  }
  return list;
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => {
    const messages = new Set(Object.values(error.constraints ?? {}));
    if (SECRET_VARIABLES.has(error.property)) return [...messages];
    return [...messages].map((message) => `${message} (got ${JSON.stringify(error.value)})`);
  });
}

/**
 * Validates the environment and returns it typed, with defaults applied. Throws one error that
 * names every bad variable, so a misconfigured start stops with a message saying what to fix.
 */
export function readEnvironment(source: Record<string, unknown> = process.env): Environment {
  // An empty variable (`PORT=`) means "use the default", as in most twelve-factor apps.
  const given = Object.fromEntries(
    Object.entries(source).filter(
      ([, value]) => !(typeof value === 'string' && value.trim() === ''),
    ),
  );
  const env = plainToInstance(Environment, given, { exposeDefaultValues: true });
  const problems = describe(validateSync(env, { skipMissingProperties: false }));
  try {
    parseTrustProxy(env.TRUST_PROXY);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push(
      `HTTP_HEADERS_TIMEOUT_MS (${env.HTTP_HEADERS_TIMEOUT_MS}) must not be longer than HTTP_REQUEST_TIMEOUT_MS (${env.HTTP_REQUEST_TIMEOUT_MS}), which covers the headers too; raise HTTP_REQUEST_TIMEOUT_MS or lower HTTP_HEADERS_TIMEOUT_MS.`,
    );
  }
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) {
    problems.push(
      `METRICS_PORT must differ from PORT (both are ${env.PORT}); unset it to serve /metrics on PORT.`,
    );
  }
  if (env.AUTH_SESSION_IDLE_DAYS > env.AUTH_SESSION_MAX_DAYS) {
    problems.push(
      `AUTH_SESSION_IDLE_DAYS (${env.AUTH_SESSION_IDLE_DAYS}) must not be longer than AUTH_SESSION_MAX_DAYS (${env.AUTH_SESSION_MAX_DAYS}), the most a sign-in lasts however active it is.`,
    );
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}

/**
 * A setting that stops the start, with a message for the person who set it: the start prints
 * the message alone, without a stack trace.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** The `validate` hook of `ConfigModule.forRoot`. */
export function validateEnvironment(config: Record<string, unknown>): Record<string, unknown> {
  readEnvironment(config);
  return config;
}
