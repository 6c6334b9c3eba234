import { MailerService } from '../src/mail/mailer.service.js';
import { mailText, startSmtpServer, type TestSmtpServer } from './utils/smtp.js';

describe('MailerService with SMTP_URL (a real SMTP server)', () => {
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });

  afterAll(async () => {
    await smtp?.close();
  });

  it('should deliver a message from MAIL_FROM to the SMTP server SMTP_URL names', async () => {
    const mailer = new MailerService({
      mail: { smtpUrl: smtp.url, from: 'Trackveil <noreply@trackveil.test>' },
    } as never);
    expect(mailer.isConfigured).toBe(true);
    const link = `https://analytics.example.com/reset-password#token=${'x'.repeat(80)}`;
    await mailer.send({
      to: 'ann@example.com',
      subject: 'Reset your password',
      text: `Open ${link}`,
    });
    const mail = await smtp.waitFor('ann@example.com');
    expect(mail.from).toBe('noreply@trackveil.test');
    expect(mail.raw).toMatch(/^Subject: Reset your password/m);
    expect(mailText(mail.raw)).toContain(link);
    mailer.onApplicationShutdown();
  });

  it('should say it is not configured, and refuse to send, without SMTP_URL', async () => {
    const mailer = new MailerService({ mail: { smtpUrl: undefined, from: 'x <x@y.z>' } } as never);
    expect(mailer.isConfigured).toBe(false);
    await expect(mailer.send({ to: 'a@b.c', subject: 's', text: 't' })).rejects.toThrow(/SMTP_URL/);
  });
});
