import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type LoggerOptions } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import type { LogLevel } from '../config/environment.js';

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

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

/** The pino settings shared by the request logger and the boot logger: JSON lines, ISO times. */
export function pinoOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    base: { service: 'trackveil' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
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
export function loggerParams(level: LogLevel): Params {
  return { pinoHttp: pinoOptions(level), forRoutes: [] };
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
