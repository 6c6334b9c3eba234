import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { authConfig } from '../config/auth.config.js';
import { anonymizeIp } from '../tracking/anonymize-ip.js';
import type { Authentication } from './authenticator.js';
import type { UserPrincipal } from './principal.js';
import {
  SITE_COLUMNS,
  type SiteColumns,
  siteJoin,
  siteOfRow,
  siteParam,
} from './resource-access.service.js';
import { hashToken, newSecretToken } from './secret-token.js';
import { SessionCookie } from './session-cookie.js';

/** A sign-in as "your sessions" shows it; never its token. */
export interface UserSessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  clientAddress: string | null;
  /** The session the listing request came with. */
  current: boolean;
}

/** A session's last use is written at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const PRUNE_INTERVAL_MS = 3_600_000;

/**
 * Server-side sign-in sessions (`user_sessions`): started by sign-in, found from the cookie on
 * every request that needs a caller, ended by sign-out, by a password change or reset (every
 * other session of the user), or by expiry: `AUTH_SESSION_IDLE_DAYS` after its last use
 * (sliding), `AUTH_SESSION_MAX_DAYS` after sign-in at the latest.
 */
@Injectable()
export class UserSessionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UserSessionsService.name);
  readonly cookie: SessionCookie;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {
    this.cookie = new SessionCookie(config.session.secureCookie);
  }

  onApplicationBootstrap(): void {
    this.pruneTimer = setInterval(() => void this.pruneExpired(), PRUNE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
  }

  /** Signs `userId` in: a new session row, and its cookie on `res`. */
  async start(userId: string, req: Request, res: Response): Promise<{ id: string }> {
    const token = newSecretToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.session.idleMs);
    const [row]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO user_sessions (user_id, token_hash, created_at, last_seen_at, expires_at, user_agent, client_address)
       VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id`,
      [
        userId,
        hashToken(token),
        now,
        expiresAt,
        req.headers['user-agent']?.slice(0, 300) ?? null,
        anonymizeIp(req.ip),
      ],
    );
    this.cookie.set(res, token, this.config.session.idleMs);
    return { id: row.id };
  }

  /**
   * The signed-in user the request's cookie names, or null (no cookie, unknown, expired). A live
   * session's expiry moves forward (at most once a minute), and the cookie with it.
   */
  async authenticate(req: Request, res: Response | undefined): Promise<UserPrincipal | null> {
    return (await this.authenticateWithSite(req, res, undefined))?.principal ?? null;
  }

  /**
   * The session of the request's cookie, as `authenticate`; with `siteId`, the same query reads
   * that site and the user's role there (see `Authentication.site`).
   */
  async authenticateWithSite(
    req: Request,
    res: Response | undefined,
    siteId: string | undefined,
  ): Promise<Authentication<UserPrincipal> | null> {
    const token = this.cookie.read(req);
    if (!token) return null;
    const now = this.clock.now();
    const [row]: ({
      id: string;
      user_id: string;
      created_at: Date;
      last_seen_at: Date;
    } & SiteColumns)[] = await this.dataSource.query(
      `SELECT u.id, u.user_id, u.created_at, u.last_seen_at, ${SITE_COLUMNS}
         FROM user_sessions u ${siteJoin('$3', 'u.user_id')}
        WHERE u.token_hash = $1 AND u.expires_at > $2`,
      [hashToken(token), now, siteParam(siteId)],
    );
    if (!row) {
      if (res) this.cookie.clear(res);
      return null;
    }
    if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_INTERVAL_MS) {
      const expiresAt = new Date(
        Math.min(
          now.getTime() + this.config.session.idleMs,
          row.created_at.getTime() + this.config.session.maxMs,
        ),
      );
      await this.dataSource.query(
        'UPDATE user_sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1',
        [row.id, now, expiresAt],
      );
      if (res) this.cookie.set(res, token, expiresAt.getTime() - now.getTime());
    }
    return {
      principal: { type: 'user', userId: row.user_id, sessionId: row.id },
      site: siteOfRow(row, siteId),
    };
  }

  /** Ends one session of a user (sign-out, or "sign out that device"); false if it was not theirs. */
  async end(userId: string, sessionId: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      'DELETE FROM user_sessions WHERE id = $1 AND user_id = $2',
      [sessionId, userId],
    );
    return affected > 0;
  }

  /** Ends every session of the user but `keepSessionId` (all of them without it); how many ended. */
  async endOthers(userId: string, keepSessionId?: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      'DELETE FROM user_sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2',
      [userId, keepSessionId ?? null],
    );
    return affected;
  }

  /** The user's live sessions, most recently used first. */
  async list(userId: string, currentSessionId?: string): Promise<UserSessionSummary[]> {
    const rows: {
      id: string;
      created_at: Date;
      last_seen_at: Date;
      expires_at: Date;
      user_agent: string | null;
      client_address: string | null;
    }[] = await this.dataSource.query(
      `SELECT id, created_at, last_seen_at, expires_at, user_agent, client_address
         FROM user_sessions WHERE user_id = $1 AND expires_at > $2
        ORDER BY last_seen_at DESC, id`,
      [userId, this.clock.now()],
    );
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      userAgent: row.user_agent,
      clientAddress: row.client_address,
      current: row.id === currentSessionId,
    }));
  }

  /** Deletes expired sessions (they already sign nobody in); runs hourly. */
  async pruneExpired(): Promise<number> {
    try {
      const [, affected]: [unknown, number] = await this.dataSource.query(
        'DELETE FROM user_sessions WHERE expires_at <= $1',
        [this.clock.now()],
      );
      return affected;
    } catch (error) {
      this.logger.warn(
        { err: error },
        'Could not delete expired sign-in sessions; will try again.',
      );
      return 0;
    }
  }
}
