import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

const PLAIN_NAME = 'trackveil_session';
/** Browsers accept a `__Host-` cookie only with Secure, Path=/ and no Domain: it cannot be planted by a subdomain. */
const SECURE_NAME = '__Host-trackveil_session';

/** The sign-in cookie: httpOnly, SameSite=Lax, Secure (and `__Host-`) over https. */
export class SessionCookie {
  readonly name: string;

  constructor(private readonly secure: boolean) {
    this.name = secure ? SECURE_NAME : PLAIN_NAME;
  }

  read(req: Request): string | undefined {
    const header = req.headers.cookie;
    if (!header) return undefined;
    const token = parse(header)[this.name];
    // A token is 43 base64url characters; anything else cannot name a session.
    return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
  }

  set(res: Response, token: string, maxAgeMs: number): void {
    res.append(
      'Set-Cookie',
      serialize(this.name, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: this.secure,
        path: '/',
        maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)),
      }),
    );
  }

  clear(res: Response): void {
    res.append(
      'Set-Cookie',
      serialize(this.name, '', {
        httpOnly: true,
        sameSite: 'lax',
        secure: this.secure,
        path: '/',
        maxAge: 0,
      }),
    );
  }
}
