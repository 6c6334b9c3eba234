import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { UserSessionsService } from '../auth/user-sessions.service.js';
import { DomainError } from '../common/domain-error.js';
import { authConfig } from '../config/auth.config.js';
import type { RegistrationPolicy } from '../config/environment.js';
import { violatedUniqueConstraint } from '../database/database-errors.js';
import { PasswordsService } from '../passwords/passwords.service.js';
import { normalizeEmail, PasswordRefusedError } from '../users/users.service.js';
import type { SessionDocumentDto } from './dto/auth.dto.js';

/** The one answer to every failed sign-in: it must not tell which part was wrong. */
export const SIGN_IN_FAILED = 'E-mail or password is wrong.';

export const SIGN_UP_NEEDS_INVITATION =
  'Sign-up needs an invitation on this server: ask an owner or admin of an account to invite you, then follow the link in the invitation.';

export const WRONG_CURRENT_PASSWORD =
  'The current password is wrong; type the password you signed in with (or sign out and reset it).';

/** Serializes first-user sign-ups (`pg_advisory_xact_lock` key; any fixed number unique in the app). */
const REGISTRATION_LOCK = 7_114_011_001;

@Injectable()
export class SignInService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordsService,
    private readonly sessions: UserSessionsService,
    private readonly audit: AuditService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  get policy(): RegistrationPolicy {
    return this.config.registration;
  }

  /** Whether someone could sign up now without an invitation. */
  async signUpOpen(): Promise<boolean> {
    if (this.policy === 'open') return true;
    if (this.policy === 'invite') return false;
    return !(await this.anyPassword(this.dataSource.manager));
  }

  /**
   * A new user with a password, signed in. `first`: only while no user has a password; that user
   * owns every account without an owner (the demo account, accounts the CLI made) or a new one,
   * and takes over a passwordless user of the same address (made by `sites create
   * --owner-email`). `open`: a new user and a new account; an address in use is a 409, never
   * taken over (nothing proves the person owns the address). `invite`: refused.
   */
  async signUp(
    input: { email: string; name?: string; password: string },
    req: Request,
    res: Response,
  ): Promise<SessionDocumentDto> {
    if (this.policy === 'invite') throw new DomainError('sign_up_closed', SIGN_UP_NEEDS_INVITATION);
    const email = normalizeEmail(input.email);
    const name = input.name?.trim() || null;
    if (this.policy === 'first' && !(await this.signUpOpen())) {
      throw new DomainError('sign_up_closed', SIGN_UP_NEEDS_INVITATION);
    }
    const refusals = this.passwords.checkNewPassword(input.password, {
      email,
      name: name ?? undefined,
    });
    if (refusals.length > 0) throw new PasswordRefusedError(refusals);
    // Hashed before the transaction: argon2id takes tens of milliseconds on purpose.
    const passwordHash = await this.passwords.hash(input.password);

    let userId: string;
    try {
      userId = await this.dataSource.transaction((em) =>
        this.policy === 'first'
          ? this.signUpFirst(em, email, name, passwordHash)
          : this.signUpOpenPolicy(em, email, name, passwordHash),
      );
    } catch (error) {
      if (violatedUniqueConstraint(error) === 'UQ_users_email') {
        throw new DomainError(
          'email_taken',
          `A user with the e-mail address ${email} already exists; sign in instead, or reset the password if it is forgotten.`,
        );
      }
      throw error;
    }
    const session = await this.sessions.start(userId, req, res);
    this.audit.record({
      action: 'auth.sign_up',
      actor: { type: 'user', userId },
      target: { type: 'user', id: userId },
      details: { policy: this.policy },
      clientAddress: req.ip,
    });
    return this.sessionDocument(userId, session.id);
  }

  private async signUpFirst(
    em: EntityManager,
    email: string,
    name: string | null,
    passwordHash: string,
  ): Promise<string> {
    // Two first sign-ups at once: the second waits here, then finds the first one's password.
    await em.query('SELECT pg_advisory_xact_lock($1)', [REGISTRATION_LOCK]);
    if (await this.anyPassword(em)) {
      throw new DomainError('sign_up_closed', SIGN_UP_NEEDS_INVITATION);
    }
    const [user]: { id: string }[] = await em.query(
      `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3)
       ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash,
         name = coalesce(EXCLUDED.name, users.name), updated_at = now()
       RETURNING id`,
      [email, name, passwordHash],
    );
    const ownerless: { id: string }[] = await em.query(
      `SELECT a.id FROM accounts a
        WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = a.id AND m.role = 'owner')
        ORDER BY a.created_at, a.id`,
    );
    const accountIds = ownerless.map((account) => account.id);
    const [{ owns }]: { owns: boolean }[] = await em.query(
      `SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1) AS owns`,
      [user.id],
    );
    if (accountIds.length === 0 && !owns) {
      accountIds.push(await this.newAccount(em, name ?? email));
    }
    for (const accountId of accountIds) {
      await em.query(
        `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, 'owner')
         ON CONFLICT (account_id, user_id) DO UPDATE SET role = 'owner'`,
        [accountId, user.id],
      );
    }
    return user.id;
  }

  private async signUpOpenPolicy(
    em: EntityManager,
    email: string,
    name: string | null,
    passwordHash: string,
  ): Promise<string> {
    // A plain INSERT: an existing user of this address (with a password or not) is a 409.
    const [user]: { id: string }[] = await em.query(
      'INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id',
      [email, name, passwordHash],
    );
    const accountId = await this.newAccount(em, name ?? email);
    await em.query(`INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, 'owner')`, [
      accountId,
      user.id,
    ]);
    return user.id;
  }

  private async newAccount(em: EntityManager, name: string): Promise<string> {
    const [account]: { id: string }[] = await em.query(
      'INSERT INTO accounts (name) VALUES ($1) RETURNING id',
      [name.slice(0, 200)],
    );
    return account.id;
  }

  private async anyPassword(em: EntityManager): Promise<boolean> {
    const [row]: { any: boolean }[] = await em.query(
      'SELECT EXISTS (SELECT 1 FROM users WHERE password_hash IS NOT NULL) AS any',
    );
    return row.any;
  }

  /**
   * Checks the password and signs the user in. An unknown address, a user without a password and
   * a wrong password get the same 401, after the same argon2 work.
   */
  async signIn(
    input: { email: string; password: string },
    req: Request,
    res: Response,
  ): Promise<SessionDocumentDto> {
    const email = input.email.trim().toLowerCase();
    const [user]: { id: string; password_hash: string | null }[] = await this.dataSource.query(
      'SELECT id, password_hash FROM users WHERE email = $1',
      [email],
    );
    const matches = user?.password_hash
      ? await this.passwords.verify(user.password_hash, input.password)
      : await this.passwords.dummyVerify(input.password);
    if (!user || !matches) {
      this.audit.record({
        action: 'auth.sign_in_failed',
        // The typed address of an unknown user is not kept: it may be a password typed in the
        // wrong field.
        actor: user ? { type: 'user', userId: user.id } : null,
        details: {
          reason: !user ? 'unknown_email' : user.password_hash ? 'wrong_password' : 'no_password',
        },
        clientAddress: req.ip,
      });
      throw new UnauthorizedException(SIGN_IN_FAILED);
    }
    if (this.passwords.needsRehash(user.password_hash as string)) {
      await this.dataSource.query('UPDATE users SET password_hash = $2 WHERE id = $1', [
        user.id,
        await this.passwords.hash(input.password),
      ]);
    }
    const session = await this.sessions.start(user.id, req, res);
    this.audit.record({
      action: 'auth.sign_in',
      actor: { type: 'user', userId: user.id },
      clientAddress: req.ip,
    });
    return this.sessionDocument(user.id, session.id);
  }

  /**
   * Changes the signed-in user's password after checking the current one; every other session of
   * the user ends (a thief's included), this one stays.
   */
  async changePassword(
    userId: string,
    sessionId: string,
    input: { currentPassword: string; newPassword: string },
    clientAddress: string | undefined,
  ): Promise<void> {
    const [user]: { email: string; name: string | null; password_hash: string | null }[] =
      await this.dataSource.query('SELECT email, name, password_hash FROM users WHERE id = $1', [
        userId,
      ]);
    const refusals = this.passwords.checkNewPassword(input.newPassword, {
      email: user.email,
      name: user.name ?? undefined,
    });
    if (refusals.length > 0) throw new PasswordRefusedError(refusals);
    const matches = user.password_hash
      ? await this.passwords.verify(user.password_hash, input.currentPassword)
      : await this.passwords.dummyVerify(input.currentPassword);
    if (!matches) throw new DomainError('wrong_current_password', WRONG_CURRENT_PASSWORD);
    await this.dataSource.query(
      'UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1',
      [userId, await this.passwords.hash(input.newPassword)],
    );
    const ended = await this.sessions.endOthers(userId, sessionId);
    this.audit.record({
      action: 'auth.password_changed',
      actor: { type: 'user', userId, sessionId },
      target: { type: 'user', id: userId },
      details: { sessionsEnded: ended },
      clientAddress,
    });
  }

  /** The session document: the user, their memberships, this sign-in. */
  async sessionDocument(userId: string, sessionId: string): Promise<SessionDocumentDto> {
    const [row]: {
      id: string;
      email: string;
      name: string | null;
      expires_at: Date;
      memberships: SessionDocumentDto['memberships'];
    }[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.name, s.expires_at,
              coalesce((SELECT json_agg(json_build_object('accountId', a.id, 'accountName', a.name, 'role', m.role)
                                        ORDER BY a.name, a.id)
                          FROM memberships m JOIN accounts a ON a.id = m.account_id
                         WHERE m.user_id = u.id), '[]') AS memberships
         FROM users u JOIN user_sessions s ON s.user_id = u.id AND s.id = $2
        WHERE u.id = $1`,
      [userId, sessionId],
    );
    if (!row) throw new UnauthorizedException('This sign-in has ended; sign in again.');
    return {
      user: { id: row.id, email: row.email, name: row.name },
      memberships: row.memberships,
      session: { id: sessionId, expiresAt: row.expires_at },
    };
  }
}
