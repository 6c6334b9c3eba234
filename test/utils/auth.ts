import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { UserSessionsService } from '../../src/auth/user-sessions.service.js';
import type { MembershipRole } from '../../src/users/entities/membership.entity.js';
import { UsersService } from '../../src/users/users.service.js';

export interface SignedInUser {
  userId: string;
  email: string;
  sessionId: string;
  /** The `Cookie` header value that signs this user in. */
  cookie: string;
}

let counter = 0;

/**
 * A new user (without a password, unless given), a member of `accountId` with `role` when given,
 * signed in through a real session row: what the sign-in route would leave behind.
 */
export async function signedInUser(
  app: NestExpressApplication,
  options: { accountId?: string; role?: MembershipRole; email?: string; password?: string } = {},
): Promise<SignedInUser> {
  counter += 1;
  const email = options.email ?? `user-${process.pid}-${Date.now()}-${counter}@example.com`;
  const user = await app.get(UsersService).create({
    email,
    password: options.password,
    membership:
      options.accountId && options.role
        ? { accountId: options.accountId, role: options.role }
        : undefined,
  });
  const signIn = await startSession(app, user.id);
  return { userId: user.id, email, ...signIn };
}

/** Signs an existing user in, as the sign-in route does; returns the session and its cookie. */
export async function startSession(
  app: NestExpressApplication,
  userId: string,
): Promise<{ sessionId: string; cookie: string }> {
  const setCookies: string[] = [];
  const res = { append: (_name: string, value: string) => setCookies.push(value) };
  const req = { headers: { 'user-agent': 'test' }, ip: '127.0.0.1' };
  const { id } = await app
    .get(UserSessionsService)
    .start(userId, req as unknown as Request, res as unknown as Response);
  return { sessionId: id, cookie: cookiePair(setCookies) };
}

/** `name=value` of the first `Set-Cookie`, as a browser would send it back. */
export function cookiePair(setCookie: string[] | string | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (!first) throw new Error('No Set-Cookie header');
  return first.split(';')[0];
}
