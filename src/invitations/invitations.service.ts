import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { hashToken, newSecretToken } from '../auth/secret-token.js';
import { UserSessionsService } from '../auth/user-sessions.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { appConfig } from '../config/app.config.js';
import { authConfig } from '../config/auth.config.js';
import { violatedUniqueConstraint } from '../database/database-errors.js';
import { MailerService } from '../mail/mailer.service.js';
import { MembersService } from '../members/members.service.js';
import type { MembershipRole } from '../users/entities/membership.entity.js';
import type { User } from '../users/entities/user.entity.js';
import { normalizeEmail, UsersService } from '../users/users.service.js';
import { isUuid } from '../common/uuid.js';

/** One answer for every link that does not work: which case it was helps nobody but a guesser. */
export const INVITATION_NOT_FOUND =
  'This invitation link is not valid: it may have expired, been used or been revoked. Ask an admin of the account for a new invitation.';
export const PENDING_INVITATION_NOT_FOUND =
  'No pending invitation with this id in this account; it may have been accepted or revoked already. List the invitations to see the pending ones.';

/** Who sends an invitation, from where, and their role in the account. */
export interface Inviter {
  userId: string;
  sessionId: string;
  role: MembershipRole;
  clientAddress?: string | null;
}

export interface CreatedInvitation {
  id: string;
  email: string;
  role: MembershipRole;
  expiresAt: Date;
  emailed: boolean;
  /** Only when the link was not e-mailed: the inviter passes it on. */
  link?: string;
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: MembershipRole;
  createdAt: Date;
  expiresAt: Date;
  invitedBy: string | null;
}

export interface InvitationPreview {
  accountName: string;
  email: string;
  role: MembershipRole;
  expiresAt: Date;
  invitedBy: string | null;
  userExists: boolean;
}

export interface AcceptedInvitation {
  accountId: string;
  accountName: string;
  role: MembershipRole;
  userId: string;
  userCreated: boolean;
}

interface PendingRow {
  id: string;
  account_id: string;
  account_name: string;
  email: string;
  role: MembershipRole;
  expires_at: Date;
  invited_by: string | null;
}

/**
 * Invitations (`invitations`): an admin invites an e-mail address with a role; the link (e-mailed
 * through `SMTP_URL`, or shown once to the inviter) carries a random token, stored only as its
 * SHA-256. Accepting adds the membership, creating the user (and signing them in) when the
 * address has none: this is how people join under every `REGISTRATION` policy.
 */
@Injectable()
export class InvitationsService {
  private readonly logger = new Logger(InvitationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
    private readonly members: MembersService,
    private readonly mailer: MailerService,
    private readonly sessions: UserSessionsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  /**
   * Invites `email` to the account with `role`; a pending invitation for the same address is
   * revoked and replaced. Only owners invite owners; members are not invited again.
   */
  async create(
    accountId: string,
    inviter: Inviter,
    rawEmail: string,
    role: MembershipRole,
  ): Promise<CreatedInvitation> {
    const email = normalizeEmail(rawEmail);
    if (role === 'owner' && inviter.role !== 'owner') {
      throw new DomainError(
        'owner_required',
        'Only an owner may invite an owner; invite them as admin, or ask an owner of this account.',
      );
    }
    const existing = await this.users.findByEmail(email);
    const existingRole = existing ? await this.members.roleOf(accountId, existing.id) : null;
    if (existingRole) {
      throw new DomainError(
        'membership_exists',
        `${email} is already a member of this account (${existingRole}); change their role in the members list instead of inviting them.`,
      );
    }
    const token = newSecretToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.auth.invitationTtlMs);
    let replaced: string[];
    let id: string;
    try {
      ({ replaced, id } = await this.dataSource.transaction(async (em) => {
        // TypeORM answers an UPDATE with [rows RETURNING gave, rows affected].
        const [revoked]: [{ id: string }[], number] = await em.query(
          `UPDATE invitations SET revoked_at = $3
            WHERE account_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL
           RETURNING id`,
          [accountId, email, now],
        );
        const [row]: { id: string }[] = await em.query(
          `INSERT INTO invitations (account_id, email, role, token_hash, invited_by, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [accountId, email, role, hashToken(token), inviter.userId, now, expiresAt],
        );
        return { replaced: revoked.map((row) => row.id), id: row.id };
      }));
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'UQ_invitations_account_id_email_pending') {
        throw new DomainError(
          'invitation_conflict',
          `Another invitation for ${email} was created at the same moment; list the invitations, and send it again if you need to.`,
        );
      }
      throw error;
    }
    const actor = { type: 'user' as const, userId: inviter.userId, sessionId: inviter.sessionId };
    for (const replacedId of replaced) {
      this.audit.record({
        action: 'invitation.revoked',
        actor,
        accountId,
        target: { type: 'invitation', id: replacedId },
        details: { email, replacedBy: id },
        clientAddress: inviter.clientAddress,
      });
    }

    const link = `${this.app.publicUrl}/invitations/accept#token=${token}`;
    const emailed = await this.sendLink(accountId, inviter.userId, email, role, expiresAt, link);
    const logged = { accountId, invitationId: id, role };
    if (emailed) {
      this.logger.log(logged, 'Invitation created and e-mailed to the invited address.');
    } else {
      this.logger.log(
        logged,
        this.mailer.isConfigured
          ? 'Invitation created; the e-mail could not be sent, so the link was shown to the inviter.'
          : 'Invitation created; SMTP_URL is not set, so the link was shown to the inviter.',
      );
    }
    this.audit.record({
      action: 'invitation.created',
      actor,
      accountId,
      target: { type: 'invitation', id },
      details: { email, role, emailed },
      clientAddress: inviter.clientAddress,
    });
    return { id, email, role, expiresAt, emailed, ...(emailed ? {} : { link }) };
  }

  /** E-mails the link when SMTP is set up; false when it is not, or the mail could not be sent. */
  private async sendLink(
    accountId: string,
    inviterId: string,
    email: string,
    role: MembershipRole,
    expiresAt: Date,
    link: string,
  ): Promise<boolean> {
    if (!this.mailer.isConfigured) return false;
    const [account, inviter] = await Promise.all([
      this.accounts.findById(accountId),
      this.users.findById(inviterId),
    ]);
    const accountName = account?.name ?? 'an account';
    const inviterName = inviter ? (inviter.name ?? inviter.email) : 'Someone';
    try {
      await this.mailer.send({
        to: email,
        subject: `${inviterName} invited you to ${accountName} on Trackveil`,
        text: [
          `${inviterName} invited you to join the account "${accountName}" on Trackveil as ${role}.`,
          '',
          'Open this link to accept the invitation:',
          link,
          '',
          `The link works once, until ${expiresAt.toISOString()}.`,
          'If you did not expect this invitation, ignore this mail.',
        ].join('\n'),
      });
      return true;
    } catch (error) {
      this.logger.warn(
        { accountId, reason: error instanceof Error ? error.message : String(error) },
        'Could not e-mail an invitation; the link is shown to the inviter instead.',
      );
      return false;
    }
  }

  /** The account's pending invitations (not accepted, revoked or expired), newest first. */
  async listPending(accountId: string): Promise<PendingInvitation[]> {
    const rows: {
      id: string;
      email: string;
      role: MembershipRole;
      created_at: Date;
      expires_at: Date;
      invited_by: string | null;
    }[] = await this.dataSource.query(
      `SELECT i.id, i.email, i.role, i.created_at, i.expires_at, coalesce(u.name, u.email) AS invited_by
         FROM invitations i LEFT JOIN users u ON u.id = i.invited_by
        WHERE i.account_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
        ORDER BY i.created_at DESC, i.id`,
      [accountId, this.clock.now()],
    );
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      role: row.role,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      invitedBy: row.invited_by,
    }));
  }

  /** Revokes a pending invitation of this account: its link stops working at once. */
  async revoke(
    accountId: string,
    actor: Omit<Inviter, 'role'>,
    invitationId: string,
  ): Promise<void> {
    if (!isUuid(invitationId)) {
      throw new DomainError('invitation_not_found', PENDING_INVITATION_NOT_FOUND);
    }
    const [rows]: [{ id: string; email: string }[], number] = await this.dataSource.query(
      `UPDATE invitations SET revoked_at = $3
        WHERE id = $1 AND account_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
       RETURNING id, email`,
      [invitationId.toLowerCase(), accountId, this.clock.now()],
    );
    if (rows.length === 0) {
      throw new DomainError('invitation_not_found', PENDING_INVITATION_NOT_FOUND);
    }
    this.audit.record({
      action: 'invitation.revoked',
      actor: { type: 'user', userId: actor.userId, sessionId: actor.sessionId },
      accountId,
      target: { type: 'invitation', id: rows[0].id },
      details: { email: rows[0].email },
      clientAddress: actor.clientAddress,
    });
  }

  /** What the accept page shows before the invited person decides. */
  async lookup(token: string): Promise<InvitationPreview> {
    const row = await this.findPending(token);
    const user = await this.users.findByEmail(row.email);
    return {
      accountName: row.account_name,
      email: row.email,
      role: row.role,
      expiresAt: row.expires_at,
      invitedBy: row.invited_by,
      userExists: user !== null,
    };
  }

  /**
   * Accepts an invitation. Signed in (the request's cookie): as the invited address only. Not
   * signed in: a new user is created with `password` (or a user without a password, made by the
   * CLI, sets it: the link proves the address), and signed in; a user who has a password signs in
   * first. The invitation is marked used in the same transaction that adds the membership, by an
   * update that only a pending, unexpired invitation matches, so a link works once however many
   * requests race with it.
   */
  async accept(
    token: string,
    input: { name?: string; password?: string },
    req: Request,
    res: Response,
  ): Promise<AcceptedInvitation> {
    const invitation = await this.findPending(token);
    const principal = await this.sessions.authenticate(req, res);
    let existing: User | null;
    if (principal) {
      existing = await this.users.findById(principal.userId);
      if (!existing || existing.email !== invitation.email) {
        throw new DomainError(
          'invitation_for_another_user',
          `This invitation is for ${invitation.email}, but you are signed in as ${existing?.email ?? 'another user'}. Sign out and sign in as ${invitation.email} (or open the link in a private window) to accept it.`,
        );
      }
    } else {
      existing = await this.users.findByEmail(invitation.email);
      if (existing && (await this.users.hasPassword(existing.id))) {
        throw this.signInFirst(invitation.email);
      }
      if (input.password === undefined) {
        throw new DomainError(
          'password_required',
          existing
            ? `Choose a password for ${invitation.email} (the field password) to accept the invitation.`
            : `There is no user ${invitation.email} yet; choose a password (the field password, and a name if you like) to create it and accept the invitation.`,
        );
      }
    }
    if (existing && (await this.members.roleOf(invitation.account_id, existing.id))) {
      // The invitation stays pending: an admin sees it in the list and may revoke it.
      throw new DomainError(
        'membership_exists',
        `${invitation.email} is already a member of ${invitation.account_name}; there is nothing to accept.`,
      );
    }

    const now = this.clock.now();
    const { user, created } = await this.dataSource.transaction(async (em) => {
      let member: User;
      let createdNow = false;
      if (principal && existing) {
        member = existing;
      } else if (existing) {
        if (!(await this.users.setFirstPassword(em, existing, input.password!))) {
          throw this.signInFirst(invitation.email);
        }
        member = existing;
      } else {
        member = await this.users.create(
          { email: invitation.email, name: input.name, password: input.password },
          em,
        );
        createdNow = true;
      }
      const [claimed]: [{ id: string }[], number] = await em.query(
        `UPDATE invitations SET accepted_at = $2, accepted_by = $3
          WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
         RETURNING id`,
        [hashToken(token), now, member.id],
      );
      if (claimed.length === 0) throw new DomainError('invitation_not_found', INVITATION_NOT_FOUND);
      await this.users.addMember(invitation.account_id, member.id, invitation.role, em);
      return { user: member, created: createdNow };
    });

    if (!principal) await this.sessions.start(user.id, req, res);
    const actor = { type: 'user' as const, userId: user.id };
    if (!principal) {
      this.audit.record({
        action: 'auth.sign_in',
        actor,
        details: { via: 'invitation' },
        clientAddress: req.ip,
      });
    }
    if (created) {
      this.audit.record({
        action: 'auth.sign_up',
        actor,
        target: { type: 'user', id: user.id },
        details: { via: 'invitation' },
        clientAddress: req.ip,
      });
    }
    this.audit.record({
      action: 'invitation.accepted',
      actor,
      accountId: invitation.account_id,
      target: { type: 'invitation', id: invitation.id },
      details: { email: invitation.email, role: invitation.role, userCreated: created },
      clientAddress: req.ip,
    });
    this.logger.log(
      { accountId: invitation.account_id, invitationId: invitation.id, userCreated: created },
      'Invitation accepted.',
    );
    return {
      accountId: invitation.account_id,
      accountName: invitation.account_name,
      role: invitation.role,
      userId: user.id,
      userCreated: created,
    };
  }

  private signInFirst(email: string): DomainError {
    return new DomainError(
      'sign_in_to_accept',
      `A user ${email} already exists; sign in as ${email} first, then accept the invitation.`,
    );
  }

  /** The pending, unexpired invitation the token names; 404 for every other case. */
  private async findPending(token: string): Promise<PendingRow> {
    const [row]: PendingRow[] = await this.dataSource.query(
      `SELECT i.id, i.account_id, a.name AS account_name, i.email, i.role, i.expires_at,
              coalesce(u.name, u.email) AS invited_by
         FROM invitations i
         JOIN accounts a ON a.id = i.account_id
         LEFT JOIN users u ON u.id = i.invited_by
        WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2`,
      [hashToken(token), this.clock.now()],
    );
    if (!row) throw new DomainError('invitation_not_found', INVITATION_NOT_FOUND);
    return row;
  }
}
