import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { DomainError } from '../common/domain-error.js';
import type { MembershipRole } from '../users/entities/membership.entity.js';
import { isUuid } from '../common/uuid.js';

const RANK: Record<MembershipRole, number> = { viewer: 1, admin: 2, owner: 3 };

export const MEMBER_NOT_FOUND =
  'This user is not a member of this account; list the members to find their user id.';
export const LAST_OWNER =
  'This is the last owner of the account, and an account always keeps an owner; make someone else owner first.';

/** A member as the members list shows them. */
export interface MemberSummary {
  userId: string;
  email: string;
  name: string | null;
  role: MembershipRole;
  joinedAt: Date;
}

/** Who asks for a change, and from where (for the audit log). */
export interface MemberActor {
  userId: string;
  sessionId: string;
  clientAddress?: string | null;
}

/**
 * Who belongs to an account and with which role, after they joined (`UsersService.addMember`
 * adds them): listing, role changes and removal. Every change locks the account's membership rows
 * first (`SELECT … FOR UPDATE`), so two owners demoting each other at once cannot leave the
 * account without an owner: the second one waits, then sees that only one owner is left.
 */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(accountId: string): Promise<MemberSummary[]> {
    const rows: {
      user_id: string;
      email: string;
      name: string | null;
      role: MembershipRole;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT m.user_id, u.email, u.name, m.role, m.created_at
         FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.account_id = $1
        ORDER BY m.created_at, u.email`,
      [accountId],
    );
    return rows.map((row) => ({
      userId: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role,
      joinedAt: row.created_at,
    }));
  }

  /** The user's role in the account, or null when they are not a member. */
  async roleOf(accountId: string, userId: string): Promise<MembershipRole | null> {
    const [row]: { role: MembershipRole }[] = await this.dataSource.query(
      'SELECT role FROM memberships WHERE account_id = $1 AND user_id = $2',
      [accountId, userId],
    );
    return row?.role ?? null;
  }

  /**
   * Gives a member another role. Admins and owners may; only an owner may make someone an owner
   * or change an owner's role; the last owner keeps theirs.
   */
  async changeRole(
    accountId: string,
    actor: MemberActor,
    targetUserId: string,
    role: MembershipRole,
  ): Promise<MemberSummary> {
    const from = await this.dataSource.transaction(async (em) => {
      const roles = await this.lockRoles(em, accountId);
      const actorRole = roles.get(actor.userId);
      const current = isUuid(targetUserId) ? roles.get(targetUserId.toLowerCase()) : undefined;
      if (!current) throw new DomainError('member_not_found', MEMBER_NOT_FOUND);
      if (!actorRole || RANK[actorRole] < RANK.admin) {
        throw new DomainError(
          'owner_required',
          `Changing roles needs the admin role in this account; yours is ${actorRole ?? 'none'}.`,
        );
      }
      if ((role === 'owner' || current === 'owner') && actorRole !== 'owner') {
        throw new DomainError(
          'owner_required',
          role === 'owner'
            ? 'Only an owner may make someone an owner; ask an owner of this account.'
            : "Only an owner may change an owner's role; ask an owner of this account.",
        );
      }
      if (current === role) return current;
      if (current === 'owner' && countOwners(roles) === 1) {
        throw new DomainError('last_owner', LAST_OWNER);
      }
      await em.query('UPDATE memberships SET role = $3 WHERE account_id = $1 AND user_id = $2', [
        accountId,
        targetUserId.toLowerCase(),
        role,
      ]);
      return current;
    });
    if (from !== role) {
      this.audit.record({
        action: 'member.role_changed',
        actor: { type: 'user', userId: actor.userId, sessionId: actor.sessionId },
        accountId,
        target: { type: 'user', id: targetUserId.toLowerCase() },
        details: { from, to: role },
        clientAddress: actor.clientAddress,
      });
    }
    const member = (await this.list(accountId)).find(
      (candidate) => candidate.userId === targetUserId.toLowerCase(),
    );
    if (!member) throw new DomainError('member_not_found', MEMBER_NOT_FOUND);
    return member;
  }

  /**
   * Removes a member. Any member may remove themselves (leave); admins may remove admins and
   * viewers; only an owner may remove an owner; the last owner stays. Access ends at once: every
   * request reads the membership afresh.
   */
  async remove(accountId: string, actor: MemberActor, targetUserId: string): Promise<void> {
    const target = targetUserId.toLowerCase();
    const removed = await this.dataSource.transaction(async (em) => {
      const roles = await this.lockRoles(em, accountId);
      const actorRole = roles.get(actor.userId);
      const current = isUuid(target) ? roles.get(target) : undefined;
      if (!current) throw new DomainError('member_not_found', MEMBER_NOT_FOUND);
      const leaving = target === actor.userId;
      if (!leaving && (!actorRole || RANK[actorRole] < RANK.admin)) {
        throw new DomainError(
          'owner_required',
          `Removing another member needs the admin role in this account; yours is ${actorRole ?? 'none'}. You may remove yourself (leave the account).`,
        );
      }
      if (!leaving && current === 'owner' && actorRole !== 'owner') {
        throw new DomainError(
          'owner_required',
          'Only an owner may remove an owner; ask an owner of this account.',
        );
      }
      if (current === 'owner' && countOwners(roles) === 1) {
        throw new DomainError('last_owner', LAST_OWNER);
      }
      await em.query('DELETE FROM memberships WHERE account_id = $1 AND user_id = $2', [
        accountId,
        target,
      ]);
      return current;
    });
    this.audit.record({
      action: 'member.removed',
      actor: { type: 'user', userId: actor.userId, sessionId: actor.sessionId },
      accountId,
      target: { type: 'user', id: target },
      details: { role: removed, left: target === actor.userId },
      clientAddress: actor.clientAddress,
    });
  }

  /** Every member's role, with the account's membership rows locked until the transaction ends. */
  private async lockRoles(
    em: EntityManager,
    accountId: string,
  ): Promise<Map<string, MembershipRole>> {
    const rows: { user_id: string; role: MembershipRole }[] = await em.query(
      'SELECT user_id, role FROM memberships WHERE account_id = $1 ORDER BY user_id FOR UPDATE',
      [accountId],
    );
    return new Map(rows.map((row) => [row.user_id, row.role]));
  }
}

function countOwners(roles: Map<string, MembershipRole>): number {
  return [...roles.values()].filter((role) => role === 'owner').length;
}
