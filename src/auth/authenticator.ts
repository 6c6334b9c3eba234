import { Injectable } from '@nestjs/common';
import type { Request } from 'express';

/** Who is calling a route that is not public. */
export interface Principal {
  /** A user signed in through a session, or a program calling with an API key. */
  readonly type: 'user' | 'api_key';
  readonly id: string;
}

/**
 * Finds who sent a request, or null for an anonymous one. `AccessGuard` asks it on every route
 * that is not `@Public()`, and only there. This is where sign-in plugs in: sessions (the session
 * cookie) and API keys (`Authorization: Bearer …`) come as an implementation of this class,
 * provided in place of `AnonymousAuthenticator` in `AuthModule`.
 */
export abstract class Authenticator {
  abstract authenticate(req: Request): Promise<Principal | null>;
}

/** No way to sign in exists yet, so every caller is anonymous. */
@Injectable()
export class AnonymousAuthenticator extends Authenticator {
  authenticate(): Promise<Principal | null> {
    return Promise.resolve(null);
  }
}
