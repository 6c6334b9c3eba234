import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import { REQUEST_LOG_OPTIONS } from './logging.js';

/**
 * One JSON line per answered request, with its request id, through the application's pino
 * logger (see `loggerParams` for why this is not nestjs-pino's own middleware).
 */
@Injectable()
export class RequestLoggerMiddleware implements NestMiddleware {
  private httpLogger?: HttpLogger;

  use(req: Request, res: Response, next: () => void): void {
    // PinoLogger.root is set once nestjs-pino's module is configured, so it is read on first use.
    this.httpLogger ??= pinoHttp({ ...REQUEST_LOG_OPTIONS, logger: PinoLogger.root });
    this.httpLogger(req, res, next);
  }
}
