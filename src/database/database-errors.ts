interface ErrorWithCode {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  driverError?: unknown;
}

function driverError(error: unknown): ErrorWithCode {
  const outer = (error ?? {}) as ErrorWithCode;
  return outer.driverError ?? outer;
}

function sqlState(error: unknown): string | undefined {
  const code = driverError(error).code;
  return typeof code === 'string' ? code : undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is not established',
  'Driver not Connected',
];

/**
 * True when PostgreSQL could not be reached or went away (as opposed to refusing a statement):
 * the request should be answered 503 and may be retried later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined) {
    if (NETWORK_CODES.has(code)) return true;
    // 08: connection exception; 57P0x: server shutting down / starting; 53300: too many connections.
    if (code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '53300') return true;
    // 57014: a statement cancelled by statement_timeout; 25P03/25P04: idle-in-transaction and
    // transaction timeouts. The database is too slow to answer, not refusing the data.
    if (code === '57014' || code === '25P03' || code === '25P04') return true;
  }
  const { message } = driverError(error);
  if (typeof message !== 'string') return false;
  return CONNECTION_MESSAGES.some((fragment) => message.includes(fragment));
}

/** Deadlock or serialization failure: running the same transaction again is expected to work. */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = sqlState(error);
  return code === '40P01' || code === '40001';
}

/** A statement refused because of the data it carried (SQLSTATE classes 22 and 23). */
export function isDataError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

/** The constraint a unique violation (23505) broke, e.g. `UQ_users_email`; else undefined. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  const { constraint } = driverError(error);
  return sqlState(error) === '23505' && typeof constraint === 'string' ? constraint : undefined;
}

/** The SQLSTATE (or Node error code) of a database error, for logs and metrics. */
export function databaseErrorCode(error: unknown): string {
  return sqlState(error) ?? 'unknown';
}

/**
 * A connection PostgreSQL refused for good, as a message for the operator: the database does
 * not exist, or the user or password is wrong. Trying again cannot help, so the start does not
 * (see `DatabaseModule`). Undefined for any other error.
 */
export function refusedConnection(error: unknown, url: string | undefined): string | undefined {
  const code = sqlState(error);
  const where = describeUrl(url);
  if (code === '3D000') {
    return `PostgreSQL refused the connection: ${String(driverError(error).message)}. Create the database first (for example \`createdb ${where.database ?? '<name>'}\`, or CREATE DATABASE in psql), point DATABASE_URL at one that exists, or leave DATABASE_URL unset to use the embedded PostgreSQL.`;
  }
  if (code === '28P01' || code === '28000') {
    return `PostgreSQL refused the connection: ${String(driverError(error).message)}. Check the user name and password in DATABASE_URL${where.user ? ` (user "${where.user}")` : ''}, and that pg_hba.conf lets that user connect.`;
  }
  return undefined;
}

function describeUrl(url: string | undefined): { database?: string; user?: string } {
  try {
    const parsed = new URL(url ?? '');
    return {
      database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
      user: decodeURIComponent(parsed.username) || undefined,
    };
  } catch {
    return {};
  }
}
