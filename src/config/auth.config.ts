import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment.js';

const DAY_MS = 86_400_000;

/** Sign-in, sign-up, mail and audit settings. */
export const authConfig = registerAs('auth', () => {
  const env = readEnvironment();
  const publicUrl = env.PUBLIC_URL ? new URL(env.PUBLIC_URL) : undefined;
  return {
    registration: env.REGISTRATION,
    session: {
      /** A session unused this long ends; each use pushes its end back (sliding expiry). */
      idleMs: env.AUTH_SESSION_IDLE_DAYS * DAY_MS,
      /** A session ends this long after sign-in, however active. */
      maxMs: env.AUTH_SESSION_MAX_DAYS * DAY_MS,
      /** Cookies get `Secure` (and the `__Host-` prefix) when browsers reach Trackveil over https. */
      secureCookie: publicUrl?.protocol === 'https:',
    },
    /** The origin of `PUBLIC_URL`, when set: cookie-authenticated writes must come from it. */
    publicOrigin: publicUrl?.origin,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    auditRetentionMs: env.AUDIT_RETENTION_DAYS * DAY_MS,
    /** An invitation link works this long (`INVITATION_EXPIRY_DAYS`). */
    invitationTtlMs: env.INVITATION_EXPIRY_DAYS * DAY_MS,
    /** Brute-force limits of sign-in, password change and reset requests. */
    rateLimit: {
      windowMs: env.AUTH_RATE_LIMIT_WINDOW_MINUTES * 60_000,
      perEmail: env.AUTH_MAX_ATTEMPTS_PER_EMAIL,
      perAddress: env.AUTH_MAX_ATTEMPTS_PER_ADDRESS,
    },
  };
});

export type AuthConfig = ReturnType<typeof authConfig>;
