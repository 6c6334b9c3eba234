import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import nodemailer, { type Transporter } from 'nodemailer';
import { authConfig } from '../config/auth.config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends the mail Trackveil sends (invitations, password resets) through `SMTP_URL`, from
 * `MAIL_FROM`. Without `SMTP_URL` nothing is sent: `isConfigured` is false, and the callers show
 * the link to the person who asked for it (an inviter) or log it (an operator's reset).
 */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly logger = new Logger(MailerService.name);
  private readonly transport?: Transporter;

  constructor(@Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>) {
    if (config.mail.smtpUrl) {
      this.transport = nodemailer.createTransport(config.mail.smtpUrl, {
        from: config.mail.from,
      });
    }
  }

  get isConfigured(): boolean {
    return this.transport !== undefined;
  }

  /** Sends the message; throws when the SMTP server refuses it or cannot be reached. */
  async send(message: MailMessage): Promise<void> {
    if (!this.transport) throw new Error('SMTP_URL is not set; no mail can be sent.');
    await this.transport.sendMail({ ...message, from: this.config.mail.from });
    this.logger.log({ subject: message.subject }, 'Sent a mail.');
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
