import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '../database/database-errors.js';
import { DomainError, type DomainErrorCode } from './domain-error.js';

const DOMAIN_STATUS: Record<DomainErrorCode, HttpStatus> = {
  site_not_found: HttpStatus.NOT_FOUND,
  origin_not_allowed: HttpStatus.FORBIDDEN,
  event_not_storable: HttpStatus.BAD_REQUEST,
  ingest_overloaded: HttpStatus.SERVICE_UNAVAILABLE,
  ingest_timeout: HttpStatus.SERVICE_UNAVAILABLE,
  invalid_email: HttpStatus.BAD_REQUEST,
  invalid_name: HttpStatus.BAD_REQUEST,
  password_refused: HttpStatus.BAD_REQUEST,
  email_taken: HttpStatus.CONFLICT,
  membership_exists: HttpStatus.CONFLICT,
  api_key_not_found: HttpStatus.NOT_FOUND,
  invalid_site: HttpStatus.BAD_REQUEST,
  member_not_found: HttpStatus.NOT_FOUND,
  owner_required: HttpStatus.FORBIDDEN,
  last_owner: HttpStatus.CONFLICT,
  invitation_not_found: HttpStatus.NOT_FOUND,
  invitation_conflict: HttpStatus.CONFLICT,
  invitation_for_another_user: HttpStatus.FORBIDDEN,
  sign_in_to_accept: HttpStatus.CONFLICT,
  password_required: HttpStatus.BAD_REQUEST,
  sign_up_closed: HttpStatus.FORBIDDEN,
  reset_link_invalid: HttpStatus.BAD_REQUEST,
  wrong_current_password: HttpStatus.BAD_REQUEST,
  invalid_goal: HttpStatus.BAD_REQUEST,
  goal_not_found: HttpStatus.NOT_FOUND,
  goal_exists: HttpStatus.CONFLICT,
  goal_limit_reached: HttpStatus.CONFLICT,
};

const STATUS_TEXT: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The least time between two "database unreachable" warnings. */
const UNAVAILABLE_LOG_INTERVAL_MS = 10_000;

/** Seconds a client should wait before retrying a 503. */
const RETRY_AFTER_SECONDS = '5';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

/**
 * Every error leaves as `{ statusCode, error, message, requestId }` with a message that says what
 * to fix. Never a stack trace or SQL: unexpected errors are logged here and answered with a
 * generic 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsHandler');
  private unavailableLoggedAt = -Infinity;
  private unavailableSinceLog = 0;

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    if (res.headersSent) return;

    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      // Exceptions that carry a document of their own (a failed health check) keep it.
      if (typeof body === 'object' && !('message' in body)) {
        res.status(exception.getStatus()).json(body);
        return;
      }
    }

    const { statusCode, error, message } = this.describe(exception, req.id, req);
    if (statusCode < 500) {
      this.logger.debug(
        { requestId: req.id, path: req.path, statusCode, message },
        'Request refused.',
      );
    }
    if (statusCode === 503) {
      res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    }
    res.status(statusCode).json({ statusCode, error, message, requestId: req.id });
  }

  private describe(exception: unknown, requestId: string | undefined, req: Request): ErrorBody {
    if (exception instanceof NotFoundException && /^Cannot [A-Z]+ \//.test(exception.message)) {
      // Nest's "Cannot GET <url>" for an unknown route names the URL with its query string, which
      // can carry a token; the path is enough to say what was not found, in the answer and the log.
      return { statusCode: 404, error: 'Not Found', message: `Cannot ${req.method} ${req.path}` };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body = exception.getResponse();
      const message =
        typeof body === 'string' ? body : (body as { message: string | string[] }).message;
      return { statusCode, error: STATUS_TEXT[statusCode] ?? exception.name, message };
    }
    if (exception instanceof DomainError) {
      const statusCode = DOMAIN_STATUS[exception.code];
      return { statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message: exception.message };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logUnavailable(exception as Error, requestId);
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        // For an event: nothing was stored, unless the database went away in the middle of the
        // commit; a retry with the same event_id is then recognised.
        message:
          req.path === '/track'
            ? 'The database is unreachable; retry in a few seconds with the same event_id.'
            : 'The database is unreachable or did not answer in time; retry in a few seconds.',
      };
    }
    this.logger.error({ requestId, err: exception }, 'Unexpected error; answered 500.');
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side and nothing was stored; the error is logged.',
    };
  }

  /**
   * One warning per `UNAVAILABLE_LOG_INTERVAL_MS` at most while the database is away, with the
   * number of requests answered 503 since the last one: an outage under load would otherwise
   * write a line per page view.
   */
  private logUnavailable(error: Error, requestId: string | undefined): void {
    const now = performance.now();
    if (now - this.unavailableLoggedAt < UNAVAILABLE_LOG_INTERVAL_MS) {
      this.unavailableSinceLog += 1;
      return;
    }
    const more = this.unavailableSinceLog;
    this.unavailableLoggedAt = now;
    this.unavailableSinceLog = 0;
    this.logger.warn(
      { requestId, answered503Since: more },
      `The database is unreachable: ${error.message}` +
        (more > 0 ? ` (${more} more requests were answered 503 since the last such line).` : ''),
    );
  }
}
