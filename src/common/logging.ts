import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import pretty from 'pino-pretty';
import type { LoggerService } from '@nestjs/common';
import { ConfigurationError, type LogFormat, type LogLevel } from '../config/environment.js';
import { refusedConnection } from '../database/database-errors.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The id of a request: a well-formed `X-Request-Id` from the client or proxy, else a new UUID.
 * It is echoed in the response and stored on `req.id`, where logs and error bodies find it.
 */
export function assignRequestId(
  req: IncomingMessage & { id?: unknown },
  res: ServerResponse,
): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Successful answers to these are routine (probes, scrapes): logged at debug. */
const ROUTINE_PATHS = ['/health', '/health/live', '/health/ready', '/metrics'];

/** A request's path for the log: no query string, and a shared link's token replaced. */
function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path.startsWith('/share/') ? '/share/[redacted]' : path;
}

/** Field names that hold a credential wherever they appear in a log call's object. */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'key',
  'apiKey',
  'secret',
];

/**
 * What is never written, should a log call pass it: credentials at the top of the logged object
 * or one level down (`{ user: { password } }`), request and response headers that carry them,
 * and the bound values of a failed SQL statement (`err.parameters` of TypeORM's QueryFailedError,
 * which can be a token's hash or anything a flow wrote). The request logger logs none of these by
 * design (see `REQUEST_LOG_OPTIONS`); this is the net under every other log call.
 */
export const REDACTED_LOG_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'err.parameters',
  'err.driverError.parameters',
];

/** The pino settings shared by the request logger and the boot logger: JSON lines, ISO times. */
export function pinoOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    base: { service: 'trackveil' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
  };
}

/**
 * Whether logs are written for a person rather than a log collector: `LOG_FORMAT=pretty`, or
 * `auto` (the default) with stdout a terminal. Anything else (a pipe, a file, a container's log
 * driver) gets JSON lines.
 */
export function prettyLogs(
  format: LogFormat,
  stdoutIsTerminal: boolean = process.stdout.isTTY === true,
): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
}

interface PrettyLine {
  context?: unknown;
  req?: { id?: unknown; method?: unknown; path?: unknown };
  res?: { statusCode?: unknown };
  responseTime?: unknown;
  [key: string]: unknown;
}

/** `[Context] message`, and a request line as `GET /health 200 3 ms (request id)`. */
function prettyMessage(log: PrettyLine, messageKey: string): string {
  const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
  const { req, res } = log;
  if (req && res) {
    return `${context}${String(req.method)} ${String(req.path)} ${String(res.statusCode)} ${String(log.responseTime)} ms (${String(req.id)})`;
  }
  const message = log[messageKey];
  return `${context}${typeof message === 'string' ? message : JSON.stringify(message ?? '')}`;
}

/**
 * Nest's own start-up lines (a line per module and route): in a terminal they bury what the
 * reader looks for, so they are shown only from `LOG_LEVEL=debug`. JSON logs keep them.
 */
const FRAMEWORK_CHATTER =
  /"context":"(?:NestFactory|NestApplication|InstanceLoader|RoutesResolver|RouterExplorer)"/;

let prettyStream: DestinationStream | undefined;

/**
 * One human-readable stream for every logger of the process, written synchronously in this
 * thread (no worker: lines stay in order with the start banner and survive `process.exit`).
 */
function prettyDestination(level: LogLevel): DestinationStream {
  if (!prettyStream) {
    const stream = pretty({
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service,context,req,res,responseTime',
      singleLine: true,
      messageFormat: (log, messageKey) => prettyMessage(log, messageKey),
    });
    const quiet = level !== 'debug' && level !== 'trace';
    prettyStream = {
      write: (line: string) => {
        if (!(quiet && FRAMEWORK_CHATTER.test(line))) stream.write(line);
      },
    };
  }
  return prettyStream;
}

/** The boot logger of `main.ts`; the JSON path is pino's own, untouched by the pretty one. */
export function createLogger(level: LogLevel, format: LogFormat): Logger {
  return prettyLogs(format)
    ? pino(pinoOptions(level), prettyDestination(level))
    : pino(pinoOptions(level));
}

type StartLevel = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/**
 * Nest's logger from the start of `main.ts` until the application's own (nestjs-pino, set in
 * `configureApp`) takes over: the boot logger's output, JSON or pretty as LOG_FORMAT says, so
 * that what Nest says while the modules start (a database it retries, a start that fails) is
 * not printed in Nest's own coloured format. A `ConfigurationError`, or a database that refuses
 * the connection for good, is logged by its message alone: it is for a person, and its stack
 * says nothing to them.
 */
export class StartLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context last, and for `error` a stack before it. */
  private write(level: StartLevel, message: unknown, rest: unknown[]): void {
    const last = rest.at(-1);
    const context = typeof last === 'string' ? last : undefined;
    const forPeople =
      message instanceof ConfigurationError
        ? message.message
        : refusedConnection(message, process.env.DATABASE_URL);
    if (forPeople !== undefined) {
      this.logger[level]({ context }, forPeople);
    } else if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else {
      const stack = level === 'error' && rest.length > 1 ? rest[0] : undefined;
      this.logger[level](
        { context, ...(typeof stack === 'string' ? { stack } : {}) },
        String(message),
      );
    }
  }
}

/**
 * nestjs-pino provides the application's logger (`Logger`, `PinoLogger`), built from these
 * settings; its own request middleware is mounted on no route. That middleware binds each
 * request's logger to it with AsyncLocalStorage, whose hooks on Node 20 then run for every promise
 * and async resource of every request, `/track` included even though it is not logged: without
 * them `/track` stored 3% more events per second (four alternating pairs of `bench:track`-style
 * runs), and answered 8% more with the database write left out (five pairs). Request logs come
 * from `RequestLoggerMiddleware` instead, and logs made while handling a request name its
 * `requestId` themselves (the exception filter does).
 */
export function loggerParams(level: LogLevel, format: LogFormat): Params {
  const options = pinoOptions(level);
  return {
    pinoHttp: prettyLogs(format) ? [options, prettyDestination(level)] : options,
    forRoutes: [],
  };
}

/**
 * Request logs: one line per request with its id. Bodies, headers, query strings and client
 * addresses are never logged: they can hold fingerprints, IPs and personal data.
 *
 * `POST /track`, the hot path, is left out of the request logger: a line per page view would cost
 * more than the event itself. It still gets a request id (`TrackRequestMiddleware`), its refusals
 * are logged by the exception filter at debug level, and its traffic is counted in `/metrics`.
 */
export const REQUEST_LOG_OPTIONS: HttpLoggerOptions = {
  genReqId: assignRequestId,
  customLogLevel: (req, res, error) => {
    if (error || res.statusCode >= 500) return 'error';
    if (res.statusCode >= 400) return 'info';
    return ROUTINE_PATHS.includes(pathOf(req.url)) ? 'debug' : 'info';
  },
  serializers: {
    req: (req: { id: unknown; method: string; url: string }) => ({
      id: req.id,
      method: req.method,
      path: pathOf(req.url),
    }),
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  },
};
