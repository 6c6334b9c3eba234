import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { hashToken, newSecretToken } from '../auth/secret-token.js';
import { UserSessionsService } from '../auth/user-sessions.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { appConfig } from '../config/app.config.js';
import { MailerService } from '../mail/mailer.service.js';
import { PasswordsService } from '../passwords/passwords.service.js';
import { PasswordRefusedError } from '../users/users.service.js';

/** How long a reset link works. */
export const RESET_LINK_TTL_MS = 3_600_000;

export const RESET_LINK_INVALID =
  'This reset link has expired or was already used; ask for a new one.';

export const RESET_REQUESTED =
  'If a user has this e-mail address, a link to choose a new password is on its way; it works once, for an hour.';

/**
 * Password-reset links: `${PUBLIC_URL}/reset-password#token=…`. The token is in the fragment, which
 * browsers send to no server and put in no Referer. Only its SHA-256 is stored; a link works
 * once, for an hour, and a newer link of the same user replaces it. Used by the public routes
 * (the link is e-mailed) and by the operator's `users reset-password` (the link is printed).
 */
@Injectable()
export class PasswordResetsService {
  private readonly logger = new Logger(PasswordResetsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly passwords: PasswordsService,
    private readonly sessions: UserSessionsService,
    private readonly mailer: MailerService,
    private readonly audit: AuditService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  /** A new one-time link for the user; any older link of theirs stops working. */
  async createLink(userId: string): Promise<{ link: string; expiresAt: Date }> {
    const token = newSecretToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + RESET_LINK_TTL_MS);
    await this.dataSource.transaction(async (em) => {
      await em.query('DELETE FROM password_resets WHERE user_id = $1', [userId]);
      await em.query(
        `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4)`,
        [userId, hashToken(token), now, expiresAt],
      );
    });
    return { link: `${this.app.publicUrl}/reset-password#token=${token}`, expiresAt };
  }

  /**
   * What `POST /api/auth/password-reset` does after it has answered: a link for a known user,
   * e-mailed through SMTP_URL. Without SMTP_URL nothing carrying the token is logged (logs are
   * read by more people than the user): the log says an operator can make a link. Never throws.
   */
  async requestInBackground(email: string, clientAddress: string | undefined): Promise<void> {
    try {
      const [user]: { id: string; email: string }[] = await this.dataSource.query(
        'SELECT id, email FROM users WHERE email = $1',
        [email.trim().toLowerCase()],
      );
      if (!user) return;
      this.audit.record({
        action: 'auth.password_reset_requested',
        actor: null,
        target: { type: 'user', id: user.id },
        details: { mailed: this.mailer.isConfigured },
        clientAddress,
      });
      if (!this.mailer.isConfigured) {
        this.logger.warn(
          { userId: user.id },
          `A password reset was asked for ${user.email}, but SMTP_URL is not set, so no mail was sent. An operator can make a one-time link with: npm run cli -- users reset-password --email ${user.email}`,
        );
        return;
      }
      const { link } = await this.createLink(user.id);
      await this.mailer.send({
        to: user.email,
        subject: 'Choose a new Trackveil password',
        text: [
          'Someone (you, we hope) asked to reset the password of your Trackveil account.',
          '',
          'Open this link to choose a new password. It works once, within an hour:',
          '',
          link,
          '',
          'If you did not ask for this, ignore this mail: your password stays as it is.',
          '',
        ].join('\n'),
      });
    } catch (error) {
      this.logger.error({ err: error }, 'Could not send a password-reset link.');
    }
  }

  /**
   * Sets the new password through a link: once, before it expires. Every session of the user
   * ends: whoever knew the old password is signed out.
   */
  async confirm(
    token: string,
    newPassword: string,
    clientAddress: string | undefined,
  ): Promise<void> {
    const tokenHash = hashToken(token);
    const [reset]: { id: string; user_id: string; email: string; name: string | null }[] =
      await this.dataSource.query(
        `SELECT r.id, r.user_id, u.email, u.name FROM password_resets r JOIN users u ON u.id = r.user_id
          WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2`,
        [tokenHash, this.clock.now()],
      );
    if (!reset) throw new DomainError('reset_link_invalid', RESET_LINK_INVALID);
    const refusals = this.passwords.checkNewPassword(newPassword, {
      email: reset.email,
      name: reset.name ?? undefined,
    });
    if (refusals.length > 0) throw new PasswordRefusedError(refusals);
    const passwordHash = await this.passwords.hash(newPassword);
    await this.dataSource.transaction(async (em) => {
      // The link is spent in the same statement that checks it: two uses at once, one wins.
      const [, used]: [unknown, number] = await em.query(
        'UPDATE password_resets SET used_at = $2 WHERE id = $1 AND used_at IS NULL',
        [reset.id, this.clock.now()],
      );
      if (used === 0) throw new DomainError('reset_link_invalid', RESET_LINK_INVALID);
      await em.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [
        reset.user_id,
        passwordHash,
      ]);
    });
    const ended = await this.sessions.endOthers(reset.user_id);
    this.audit.record({
      action: 'auth.password_reset',
      actor: { type: 'user', userId: reset.user_id },
      target: { type: 'user', id: reset.user_id },
      details: { sessionsEnded: ended },
      clientAddress,
    });
  }
}
