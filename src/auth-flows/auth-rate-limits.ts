import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  normalizeIp,
  ThrottlerException,
  ThrottlerStorage,
  ThrottlerStorageService,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { authConfig } from '../config/auth.config.js';

/** Reset mails one address may be sent per window, whatever `AUTH_MAX_ATTEMPTS_PER_EMAIL` says. */
export const MAX_RESET_REQUESTS_PER_EMAIL = 3;

export const TOO_MANY_SIGN_INS =
  'Too many sign-in attempts for this e-mail address or from this network; wait for the number of seconds in Retry-After, or reset the password.';
export const TOO_MANY_RESETS =
  'Too many password-reset requests for this e-mail address or from this network; wait for the number of seconds in Retry-After. A link already sent stays valid for an hour.';
export const TOO_MANY_LINK_PASSWORDS =
  'Too many password attempts for this shared link or from this network; wait for the number of seconds in Retry-After.';
export const TOO_MANY_PASSWORD_CHANGES =
  'Too many attempts to change the password; wait for the number of seconds in Retry-After.';

/**
 * Brute-force limits of the sign-in routes, in the shared rate-limit storage (Redis with
 * `REDIS_URL`, so every replica counts together). Every attempt counts, not only failed ones:
 * the count is taken atomically before the password is hashed, so parallel guesses cannot slip
 * past it, and a 429 costs no hashing. The answer never depends on whether the e-mail address
 * belongs to someone. Keys hold a hash of the address, never the address itself.
 *
 * When Redis does not answer, the shared storage lets requests through unchecked (right for
 * `/track`, where losing the limit beats losing page views); that would leave sign-in without a
 * limit, so such attempts are counted in this replica's memory instead.
 */
@Injectable()
export class AuthRateLimits implements OnApplicationShutdown {
  /** Counts while the shared storage answers "unchecked" (Redis away). */
  private readonly fallback = new ThrottlerStorageService();

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  /** Sign-in: per client address (IPv6 by /64) and per e-mail address. */
  async signIn(req: Request, res: Response, email: string): Promise<void> {
    const { perAddress, perEmail } = this.config.rateLimit;
    await this.check(res, TOO_MANY_SIGN_INS, [
      [`auth:address:${normalizeIp(req.ip ?? '')}`, perAddress],
      [`auth:sign-in:${emailKey(email)}`, perEmail],
    ]);
  }

  /** Sign-up: per client address (each costs a password hash). */
  async signUp(req: Request, res: Response): Promise<void> {
    await this.check(res, TOO_MANY_SIGN_INS, [
      [`auth:address:${normalizeIp(req.ip ?? '')}`, this.config.rateLimit.perAddress],
    ]);
  }

  /** Reset requests: per client address and per e-mail address (each may send a mail). */
  async resetRequest(req: Request, res: Response, email: string): Promise<void> {
    const { perAddress, perEmail } = this.config.rateLimit;
    await this.check(res, TOO_MANY_RESETS, [
      [`auth:reset-address:${normalizeIp(req.ip ?? '')}`, perAddress],
      [`auth:reset:${emailKey(email)}`, Math.min(perEmail, MAX_RESET_REQUESTS_PER_EMAIL)],
    ]);
  }

  /** Password change: per user, as sign-in is per e-mail (a stolen session guessing the password). */
  async passwordChange(res: Response, userId: string): Promise<void> {
    await this.check(res, TOO_MANY_PASSWORD_CHANGES, [
      [`auth:password-change:${userId}`, this.config.rateLimit.perEmail],
    ]);
  }

  /** A shared link's password: per client address and per link. */
  async sharedLinkPassword(req: Request, res: Response, linkId: string): Promise<void> {
    const { perAddress, perEmail } = this.config.rateLimit;
    await this.check(res, TOO_MANY_LINK_PASSWORDS, [
      [`auth:address:${normalizeIp(req.ip ?? '')}`, perAddress],
      [`auth:shared-link:${linkId}`, perEmail],
    ]);
  }

  onApplicationShutdown(): void {
    this.fallback.onApplicationShutdown();
  }

  /** Counts the attempt in every bucket; over any limit, 429 with the longest wait. */
  private async check(
    res: Response,
    message: string,
    buckets: [key: string, limit: number][],
  ): Promise<void> {
    const { windowMs } = this.config.rateLimit;
    const records = await Promise.all(
      buckets.map(async ([key, limit]) => {
        const record = await this.storage.increment(key, windowMs, limit, windowMs, 'auth');
        // A counted attempt is at least the first hit; 0 is the shared storage's "unchecked".
        if (record.totalHits > 0) return record;
        return this.fallback.increment(key, windowMs, limit, windowMs, 'auth');
      }),
    );
    const blocked = records.filter((record) => record.isBlocked);
    if (blocked.length === 0) return;
    const wait = Math.max(1, ...blocked.map((record) => record.timeToBlockExpire));
    res.setHeader('Retry-After', String(wait));
    throw new ThrottlerException(message);
  }
}

/** What a limit counts an e-mail address under: a hash, so Redis holds no address. */
function emailKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
}
