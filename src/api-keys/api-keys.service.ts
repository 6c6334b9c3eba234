import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKeyVerifier, type Authentication } from '../auth/authenticator.js';
import type { ApiKeyPrincipal, ApiKeyScope } from '../auth/principal.js';
import {
  SITE_COLUMNS,
  type SiteColumns,
  siteJoin,
  siteOfRow,
  siteParam,
} from '../auth/resource-access.service.js';
import { hashToken, newSecretToken } from '../auth/secret-token.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';

/**
 * What every key starts with: secret scanners (and people) recognise a Trackveil key by it, and
 * `verify` turns away anything else without asking the database.
 */
export const API_KEY_PREFIX = 'tvk_';
/** `tvk_` and 43 base64url characters: 32 random bytes. */
const API_KEY_FORMAT = /^tvk_[A-Za-z0-9_-]{43}$/;
/** How much of a key is stored and shown to tell keys apart: `tvk_` and 8 characters (48 bits). */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
/** A key's `last_used_at` is written at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;
/** Past this many keys in `touchedAt`, those not touched within the interval are dropped. */
const TOUCHED_KEYS_KEPT = 1000;
const KEY_NOT_FOUND =
  'No active API key of this account has this id; list the keys to find it (a revoked key is no longer listed).';

/** A key as the account's admins see it in the list; never the key or its hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  createdAt: Date;
  createdBy: { id: string; email: string } | null;
  lastUsedAt: Date | null;
}

/** A key just created: the only time `key` is known to anyone but its holder. */
export interface CreatedApiKey {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  key: string;
  createdAt: Date;
}

/**
 * The API keys of an account: created and revoked by its admins, checked on every request that
 * shows `Authorization: Bearer …` (as `ApiKeyVerifier`).
 *
 * A key is checked against the database on every request (one probe of a unique index), never
 * remembered as valid: a revocation takes effect on the next request, on every replica.
 */
@Injectable()
export class ApiKeysService extends ApiKeyVerifier implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeysService.name);
  /** When this server last wrote `last_used_at` of a key (epoch ms), for keys used lately. */
  private readonly touchedAt = new Map<string, number>();
  /** The `last_used_at` writes in flight, awaited at shutdown. */
  private readonly pendingTouches = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Lets the `last_used_at` writes in flight finish before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.pendingTouches);
  }

  async create(input: {
    accountId: string;
    name: string;
    scope: ApiKeyScope;
    createdBy: string | null;
  }): Promise<CreatedApiKey> {
    const key = API_KEY_PREFIX + newSecretToken();
    const prefix = key.slice(0, SHOWN_LENGTH);
    const [row]: { id: string; created_at: Date }[] = await this.dataSource.query(
      `INSERT INTO api_keys (account_id, name, scope, prefix, secret_hash, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, created_at`,
      [
        input.accountId,
        input.name,
        input.scope,
        prefix,
        hashToken(key),
        input.createdBy,
        this.clock.now(),
      ],
    );
    return {
      id: row.id,
      name: input.name,
      scope: input.scope,
      prefix,
      key,
      createdAt: row.created_at,
    };
  }

  /** The account's keys that are not revoked, newest first. */
  async list(accountId: string): Promise<ApiKeySummary[]> {
    const rows: {
      id: string;
      name: string;
      scope: ApiKeyScope;
      prefix: string;
      created_at: Date;
      last_used_at: Date | null;
      creator_id: string | null;
      creator_email: string | null;
    }[] = await this.dataSource.query(
      `SELECT k.id, k.name, k.scope, k.prefix, k.created_at, k.last_used_at,
              u.id AS creator_id, u.email AS creator_email
         FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
        WHERE k.account_id = $1 AND k.revoked_at IS NULL
        ORDER BY k.created_at DESC, k.id`,
      [accountId],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      scope: row.scope,
      prefix: row.prefix,
      createdAt: row.created_at,
      createdBy:
        row.creator_id && row.creator_email
          ? { id: row.creator_id, email: row.creator_email }
          : null,
      lastUsedAt: row.last_used_at,
    }));
  }

  /**
   * Revokes a key of the account: from now on it authenticates nobody. A key of another account,
   * one already revoked and an unknown id all get the same not-found error.
   */
  async revoke(
    accountId: string,
    keyId: string,
  ): Promise<{ id: string; name: string; scope: ApiKeyScope; prefix: string }> {
    if (!isUuid(keyId)) throw new DomainError('api_key_not_found', KEY_NOT_FOUND);
    const [rows]: [{ id: string; name: string; scope: ApiKeyScope; prefix: string }[], number] =
      await this.dataSource.query(
        `UPDATE api_keys SET revoked_at = $3
          WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL
          RETURNING id, name, scope, prefix`,
        [keyId, accountId, this.clock.now()],
      );
    if (!rows[0]) throw new DomainError('api_key_not_found', KEY_NOT_FOUND);
    return rows[0];
  }

  /**
   * The principal of a live key, or null. Anything that is not shaped like a key is turned away
   * without a query; a key is found by the SHA-256 of the whole of it (a unique index). With
   * `siteId`, the same query reads that site (see `Authentication.site`).
   */
  override async verify(
    secret: string,
    siteId?: string,
  ): Promise<Authentication<ApiKeyPrincipal> | null> {
    if (!API_KEY_FORMAT.test(secret)) return null;
    const [row]: ({
      id: string;
      account_id: string;
      scope: ApiKeyScope;
      last_used_at: Date | null;
    } & SiteColumns)[] = await this.dataSource.query(
      `SELECT k.id, k.account_id, k.scope, k.last_used_at, ${SITE_COLUMNS}
         FROM api_keys k ${siteJoin('$2', 'NULL')}
        WHERE k.secret_hash = $1 AND k.revoked_at IS NULL`,
      [hashToken(secret), siteParam(siteId)],
    );
    if (!row) return null;
    this.touch(row.id, row.last_used_at);
    return {
      principal: { type: 'api_key', keyId: row.id, accountId: row.account_id, scope: row.scope },
      site: siteOfRow(row, siteId),
    };
  }

  /**
   * Records that a key was used, at most once a minute, without making the request wait: the
   * write runs on its own and a failure is only logged (the key still worked). `touchedAt` keeps
   * the requests of one server from writing twice in a minute (concurrent ones read the row
   * before the first write lands); the condition in the UPDATE does the same across servers.
   */
  private touch(keyId: string, lastUsedAt: Date | null): void {
    const now = this.clock.now();
    if (lastUsedAt && isWithinInterval(now.getTime() - lastUsedAt.getTime())) return;
    const touched = this.touchedAt.get(keyId);
    if (touched !== undefined && isWithinInterval(now.getTime() - touched)) return;
    if (this.touchedAt.size >= TOUCHED_KEYS_KEPT) this.forgetOldTouches(now.getTime());
    this.touchedAt.set(keyId, now.getTime());
    const write: Promise<void> = this.dataSource
      .query(
        `UPDATE api_keys SET last_used_at = $2
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)`,
        [keyId, now, new Date(now.getTime() - TOUCH_INTERVAL_MS)],
      )
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.warn({ err: error, keyId }, 'Could not record the last use of an API key.');
        },
      )
      .finally(() => this.pendingTouches.delete(write));
    this.pendingTouches.add(write);
  }

  private forgetOldTouches(now: number): void {
    for (const [keyId, touched] of this.touchedAt) {
      if (!isWithinInterval(now - touched)) this.touchedAt.delete(keyId);
    }
  }
}

function isWithinInterval(elapsedMs: number): boolean {
  return elapsedMs >= 0 && elapsedMs < TOUCH_INTERVAL_MS;
}
