import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type LoggerOptions } from 'pino';
import type { LogLevel } from '../config/environment.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Successful answers to these are routine (probes, scrapes, page views): logged at debug. */
const ROUTINE_PATHS = ['/track', '/health', '/health/live', '/health/ready', '/metrics'];

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
 * Request logs: one line per request with its id (taken from a well-formed `X-Request-Id`, else
 * generated, and echoed back). Bodies, headers, query strings and client addresses are never
 * logged: they can hold fingerprints, IPs and personal data.
 */
export function loggerParams(level: LogLevel): Params {
  return {
    pinoHttp: {
      ...pinoOptions(level),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
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
    },
  };
}
