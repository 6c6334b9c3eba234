import {
  BadRequestException,
  Injectable,
  type NestMiddleware,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import express, { type Request, type Response } from 'express';

export const MAX_BODY_BYTES = 8 * 1024;

/** What `/track` accepts: JSON, and `text/plain` because that is what `sendBeacon` sends. */
const ACCEPTED_TYPES = ['application/json', 'text/plain'];

const parseJson = express.json({ limit: MAX_BODY_BYTES, strict: true, type: () => true });

interface BodyParserError {
  type?: string;
}

/**
 * Reads the `/track` body: both accepted content types are parsed as JSON, capped at 8 KB. Errors
 * become the 4xx responses of the contract instead of Express's HTML error page.
 */
@Injectable()
export class TrackBodyParserMiddleware implements NestMiddleware {
  async use(req: Request, res: Response, next: () => void): Promise<void> {
    if (req.method !== 'POST') return next();
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (!contentType || !ACCEPTED_TYPES.includes(contentType)) {
      throw new UnsupportedMediaTypeException(
        `Send the event as JSON with Content-Type application/json or text/plain (got ${contentType ? `"${contentType}"` : 'none'}).`,
      );
    }
    await new Promise<void>((resolve, reject) => {
      parseJson(req, res, (error?: unknown) => (error ? reject(toHttpError(error)) : resolve()));
    });
    next();
  }
}

function toHttpError(error: unknown): Error {
  switch ((error as BodyParserError).type ?? '') {
    case 'entity.too.large':
      return new PayloadTooLargeException(
        `The request body is larger than ${MAX_BODY_BYTES} bytes; send one event of at most 8 KB.`,
      );
    case 'entity.parse.failed':
      return new BadRequestException('The request body is not valid JSON; send one JSON object.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeException(
        'The request body must be UTF-8 JSON, optionally gzip- or deflate-compressed.',
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new BadRequestException('The request body arrived incomplete.');
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
