import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { authConfig } from '../config/auth.config.js';
import { isDataError } from '../database/database-errors.js';
import { anonymizeIp } from '../tracking/anonymize-ip.js';
import type { AuditActorType } from './entities/audit-entry.entity.js';
import { isUuid } from '../common/uuid.js';

/** What the audit log records; the action names are part of the API (`GET …/audit-log`). */
export const AUDIT_ACTIONS = [
  'auth.sign_up',
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out',
  'auth.session_revoked',
  'auth.password_changed',
  'auth.password_reset_requested',
  'auth.password_reset',
  'account.created',
  'account.updated',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'member.role_changed',
  'member.removed',
  'api_key.created',
  'api_key.revoked',
  'site.created',
  'site.updated',
  'site.deleted',
  'site.data_read',
  'goal.created',
  'goal.updated',
  'goal.deleted',
  'shared_link.created',
  'shared_link.revoked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One thing that happened, as a caller records it. Never a password, token or key. */
export interface AuditRecord {
  action: AuditAction;
  /** Who did it: a session's user, an API key; a user id alone (sign-in); null for nobody known. */
  actor?: Principal | { type: 'user'; userId: string } | null;
  accountId?: string | null;
  siteId?: string | null;
  /** What it was done to, such as `{ type: 'user', id }` for a role change. */
  target?: { type: string; id: string } | null;
  /** Small facts (a new role, the fields a change touched); values only, never secrets. */
  details?: Record<string, string | number | boolean | null | string[]>;
  /** The client's address as the request has it; stored anonymized. */
  clientAddress?: string | null;
}

/** A stored entry as the read API returns it, with the acting user's email and name when known. */
export interface AuditLogEntry {
  id: string;
  occurredAt: Date;
  action: string;
  actor: {
    type: AuditActorType;
    userId: string | null;
    email: string | null;
    name: string | null;
    keyId: string | null;
  };
  siteId: string | null;
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
  clientAddress: string | null;
}

export interface AuditLogPage {
  entries: AuditLogEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}

export interface AuditLogQuery {
  limit: number;
  /** The id of the last entry of the previous page: only older entries are returned. */
  before?: string;
  action?: string;
  siteId?: string;
}

/** A row waiting in the buffer, named as `jsonb_to_recordset` reads it. */
interface PendingRow {
  occurred_at: string;
  action: string;
  actor_type: AuditActorType;
  actor_user_id: string | null;
  actor_key_id: string | null;
  account_id: string | null;
  site_id: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  client_address: string | null;
}

/** Written at least this often while entries wait. */
const FLUSH_INTERVAL_MS = 1000;
/** A buffer this long is written at once rather than at the next tick. */
const FLUSH_AT = 200;
/** Rows per INSERT statement. */
const BATCH_SIZE = 1000;
/**
 * Entries kept while the database cannot take them (about 5 MB); beyond this the oldest are
 * dropped, so an outage costs audit entries rather than the server's memory.
 */
const MAX_BUFFERED = 10_000;
/** Dashboards poll: one `site.data_read` per actor, site and kind of read in this window. */
const COALESCE_MS = 60_000;
const RETENTION_INTERVAL_MS = 86_400_000;
/** Rows per retention DELETE, so a first purge of a large backlog holds no long lock. */
const RETENTION_BATCH = 5000;
/** The least time between two "could not write the audit log" warnings. */
const FAILURE_LOG_INTERVAL_MS = 30_000;

/** Detail fields whose name says they hold a secret: stored as `[redacted]` whatever a caller sent. */
const SECRET_FIELD = /password|passwd|secret|token|cookie|authorization|^(api_?)?key$/i;
const MAX_DETAIL_TEXT = 500;

function uuidOrNull(value: string | null | undefined): string | null {
  return typeof value === 'string' && isUuid(value) ? value.toLowerCase() : null;
}

function cut(value: string | null | undefined, length: number): string | null {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, length) : null;
}

function cleanDetails(details: AuditRecord['details']): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(details ?? {})) {
    if (SECRET_FIELD.test(name)) clean[name] = '[redacted]';
    else if (typeof value === 'string') clean[name] = value.slice(0, MAX_DETAIL_TEXT);
    else if (Array.isArray(value))
      clean[name] = value.slice(0, 50).map((v) => String(v).slice(0, MAX_DETAIL_TEXT));
    else clean[name] = value;
  }
  return clean;
}

/**
 * The audit log. `record()` returns at once: entries wait in memory and are written in batches
 * (one INSERT for up to `BATCH_SIZE` rows, at least every second), so recording adds no database
 * round trip to the request that records, and the reads that record (`site.data_read`) stay as
 * fast as before. What is buffered is written on shutdown. Entries older than
 * `AUDIT_RETENTION_DAYS` are deleted daily.
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private buffer: PendingRow[] = [];
  private writing: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private flushTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  private purging?: Promise<void>;
  /** When each actor|site|what last recorded a `site.data_read` that was kept. */
  private readonly lastDataRead = new Map<string, number>();
  private dropped = 0;
  private failureLoggedAt = -Infinity;
  private failing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  /** Records an entry, stamped with the current time; never waits and never throws. */
  record(entry: AuditRecord): void {
    try {
      const now = this.clock.now();
      if (entry.action === 'site.data_read' && this.coalesced(entry, now.getTime())) return;
      this.buffer.push(this.toRow(entry, now));
      if (this.buffer.length > MAX_BUFFERED) {
        const over = this.buffer.length - MAX_BUFFERED;
        this.buffer.splice(0, over);
        this.dropped += over;
      }
      if (this.buffer.length >= FLUSH_AT) this.scheduleFlush();
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'Could not record an audit entry.');
    }
  }

  /** Writes everything buffered so far; resolves once it is stored (or failed and kept). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writeBuffered());
    return this.writing;
  }

  /** Deletes the entries older than `AUDIT_RETENTION_DAYS`, a batch at a time; returns how many. */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.auditRetentionMs);
    let total = 0;
    for (;;) {
      const [{ deleted }] = await this.dataSource.query<{ deleted: number }[]>(
        `WITH gone AS (
           DELETE FROM audit_log
            WHERE id IN (SELECT id FROM audit_log WHERE occurred_at < $1
                          ORDER BY occurred_at LIMIT $2)
           RETURNING 1)
         SELECT count(*)::int AS deleted FROM gone`,
        [cutoff, RETENTION_BATCH],
      );
      total += deleted;
      if (deleted < RETENTION_BATCH) return total;
    }
  }

  /** An account's entries, newest first: what its owners read. */
  listForAccount(accountId: string, query: AuditLogQuery): Promise<AuditLogPage> {
    return this.list(['a.account_id = $1'], [accountId], query);
  }

  /**
   * A person's own entries that belong to no account: their sign-ins, sign-outs and password
   * changes, and failed sign-ins aimed at them.
   */
  listForUser(userId: string, query: AuditLogQuery): Promise<AuditLogPage> {
    return this.list(
      [
        `a.account_id IS NULL AND (a.actor_user_id = $1
           OR (a.target_type = 'user' AND a.target_id = $1::text))`,
      ],
      [userId],
      query,
    );
  }

  onApplicationBootstrap(): void {
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
    this.retentionTimer = setInterval(() => this.startPurge(), RETENTION_INTERVAL_MS).unref();
    this.startPurge();
  }

  /**
   * Before any module's `onApplicationShutdown`, so before TypeORM closes the connection pool
   * (which it does in its own `onApplicationShutdown`): Nest runs every module's
   * `beforeApplicationShutdown` first, whatever the order of the modules.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    await this.purging;
    await this.flush();
  }

  /**
   * Writes what requests that finished while the HTTP server closed recorded (after
   * `beforeApplicationShutdown`); called by `AuditShutdownFlush` while the connection pool is
   * still open. Whatever cannot be written is counted in a warning.
   */
  async flushAfterServerClosed(): Promise<void> {
    if (this.buffer.length === 0) return;
    if (this.dataSource.isInitialized) await this.flush();
    if (this.buffer.length > 0) {
      this.logger.warn(
        { lost: this.buffer.length },
        `${this.buffer.length} audit entries could not be written before shutdown.`,
      );
      this.buffer = [];
    }
  }

  private startPurge(): void {
    if (this.purging) return;
    this.purging = this.purgeExpired()
      .then((deleted) => {
        if (deleted > 0) this.logger.log({ deleted }, `Deleted ${deleted} expired audit entries.`);
      })
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error },
          'Could not delete expired audit entries; retrying tomorrow.',
        );
      })
      .finally(() => {
        this.purging = undefined;
      });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /**
   * True when the same actor read the same kind of data of the same site less than a minute ago:
   * a dashboard polling every few seconds leaves one entry a minute, not one per poll.
   */
  private coalesced(entry: AuditRecord, now: number): boolean {
    const actor = entry.actor;
    const who = !actor
      ? 'anonymous'
      : actor.type === 'api_key'
        ? `key:${actor.keyId}`
        : actor.type === 'shared_link'
          ? `link:${actor.linkId}`
          : `user:${actor.userId}`;
    const what = entry.details?.what;
    const key = `${who}|${entry.siteId ?? ''}|${typeof what === 'string' ? what : ''}`;
    const last = this.lastDataRead.get(key);
    if (last !== undefined && now - last < COALESCE_MS && now >= last) return true;
    this.lastDataRead.set(key, now);
    return false;
  }

  private toRow(entry: AuditRecord, now: Date): PendingRow {
    const actor = entry.actor;
    return {
      occurred_at: now.toISOString(),
      action: entry.action.slice(0, 64),
      actor_type: actor ? actor.type : 'anonymous',
      actor_user_id: actor?.type === 'user' ? uuidOrNull(actor.userId) : null,
      actor_key_id:
        actor?.type === 'api_key'
          ? uuidOrNull(actor.keyId)
          : actor?.type === 'shared_link'
            ? uuidOrNull(actor.linkId)
            : null,
      account_id: uuidOrNull(entry.accountId),
      site_id: uuidOrNull(entry.siteId),
      target_type: cut(entry.target?.type, 32),
      target_id: cut(entry.target?.id, 64),
      details: cleanDetails(entry.details),
      client_address: anonymizeIp(entry.clientAddress ?? undefined),
    };
  }

  private async writeBuffered(): Promise<void> {
    this.forgetOldDataReads();
    if (this.dropped > 0) {
      this.logger.warn(
        { dropped: this.dropped },
        `Dropped the ${this.dropped} oldest audit entries: more than ${MAX_BUFFERED} were waiting for the database.`,
      );
      this.dropped = 0;
    }
    while (this.buffer.length > 0) {
      // Taken out of the buffer while written, so dropping the oldest meanwhile cannot drop them.
      const batch = this.buffer.splice(0, BATCH_SIZE);
      try {
        await this.insert(batch);
        if (this.failing) {
          this.failing = false;
          this.logger.log('The audit log is being written again.');
        }
      } catch (error) {
        if (isDataError(error)) {
          this.logger.error(
            { err: error, entries: batch.length },
            `Dropped ${batch.length} audit entries the database refused.`,
          );
          continue;
        }
        this.buffer.unshift(...batch);
        if (this.buffer.length > MAX_BUFFERED) {
          this.dropped += this.buffer.length - MAX_BUFFERED;
          this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
        }
        this.failing = true;
        const now = performance.now();
        if (now - this.failureLoggedAt >= FAILURE_LOG_INTERVAL_MS) {
          this.failureLoggedAt = now;
          this.logger.warn(
            { waiting: this.buffer.length, err: error },
            `Could not write the audit log (${this.buffer.length} entries waiting); retrying every second.`,
          );
        }
        return;
      }
    }
  }

  /** One statement for the whole batch; ids follow the order the entries were recorded in. */
  private async insert(batch: PendingRow[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_log (occurred_at, action, actor_type, actor_user_id, actor_key_id,
                              account_id, site_id, target_type, target_id, details, client_address)
       SELECT r.occurred_at, r.action, r.actor_type, r.actor_user_id, r.actor_key_id, r.account_id,
              r.site_id, r.target_type, r.target_id, coalesce(r.details, '{}'), r.client_address
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
                AS (occurred_at timestamptz, action varchar, actor_type varchar,
                    actor_user_id uuid, actor_key_id uuid, account_id uuid, site_id uuid,
                    target_type varchar, target_id varchar, details jsonb,
                    client_address varchar))
              WITH ORDINALITY
              AS r(occurred_at, action, actor_type, actor_user_id, actor_key_id, account_id,
                   site_id, target_type, target_id, details, client_address, n)
        ORDER BY r.n`,
      [JSON.stringify(batch)],
    );
  }

  private forgetOldDataReads(): void {
    const now = this.clock.now().getTime();
    for (const [key, at] of this.lastDataRead) {
      if (now - at >= COALESCE_MS || now < at) this.lastDataRead.delete(key);
    }
  }

  private async list(
    conditions: string[],
    params: unknown[],
    query: AuditLogQuery,
  ): Promise<AuditLogPage> {
    // What was recorded a moment ago is part of the answer: an owner who just changed a role
    // finds it in the log.
    await this.flush();
    const where = [...conditions];
    const values = [...params];
    if (query.action) {
      values.push(query.action);
      where.push(`a.action = $${values.length}`);
    }
    if (query.siteId) {
      values.push(query.siteId);
      where.push(`a.site_id = $${values.length}`);
    }
    if (query.before) {
      values.push(query.before);
      where.push(
        `(a.occurred_at, a.id) < (SELECT b.occurred_at, b.id FROM audit_log b WHERE b.id = $${values.length})`,
      );
    }
    values.push(query.limit + 1);
    const rows = await this.dataSource.query<
      {
        id: string;
        occurred_at: Date;
        action: string;
        actor_type: AuditActorType;
        actor_user_id: string | null;
        actor_key_id: string | null;
        email: string | null;
        name: string | null;
        site_id: string | null;
        target_type: string | null;
        target_id: string | null;
        details: Record<string, unknown>;
        client_address: string | null;
      }[]
    >(
      `SELECT a.id::text AS id, a.occurred_at, a.action, a.actor_type, a.actor_user_id,
              a.actor_key_id, u.email, u.name, a.site_id, a.target_type, a.target_id, a.details,
              a.client_address
         FROM audit_log a
         LEFT JOIN users u ON u.id = a.actor_user_id
        WHERE ${where.join(' AND ')}
        ORDER BY a.occurred_at DESC, a.id DESC
        LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, query.limit);
    return {
      entries: page.map((row) => ({
        id: row.id,
        occurredAt: row.occurred_at,
        action: row.action,
        actor: {
          type: row.actor_type,
          userId: row.actor_user_id,
          email: row.email,
          name: row.name,
          keyId: row.actor_key_id,
        },
        siteId: row.site_id,
        target:
          row.target_type && row.target_id ? { type: row.target_type, id: row.target_id } : null,
        details: row.details,
        clientAddress: row.client_address,
      })),
      nextBefore: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }
}
