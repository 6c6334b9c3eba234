import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiKeyPrincipal, Principal, SharedLinkPrincipal } from './principal.js';
import type { SiteMembership } from './resource-access.service.js';
import { UserSessionsService } from './user-sessions.service.js';

/** Who sent a request, and the site it names as that caller sees it, when one was asked for. */
export interface Authentication<P extends Principal = Principal> {
  principal: P;
  /**
   * With a site id given to `authenticate`: that site (see `SiteMembership`), read in the same
   * query as the caller, or null when there is no such site; undefined when it was not read
   * (then `ResourceAccessService` reads it).
   */
  site?: SiteMembership | null;
}

/**
 * Finds who sent a request, or null for an anonymous one; asked only on routes that are not
 * public. `siteId` is the site a site route names: the caller's query reads it too.
 */
export abstract class Authenticator {
  abstract authenticate(req: Request, siteId?: string): Promise<Authentication | null>;
}

/** Turns the secret of `Authorization: Bearer <key>` into the key's principal; null when unknown or revoked. */
export abstract class ApiKeyVerifier {
  abstract verify(secret: string, siteId?: string): Promise<Authentication<ApiKeyPrincipal> | null>;
}

/**
 * Turns a shared link's token (and the proof of its password) into its principal and its site's
 * timezone; null when refused.
 */
export abstract class SharedLinkVerifier {
  abstract verify(
    token: string,
    access: string | undefined,
  ): Promise<{ principal: SharedLinkPrincipal; timezone: string } | null>;
}

export const SHARE_HEADER = 'x-trackveil-share';
export const SHARE_ACCESS_HEADER = 'x-trackveil-share-access';
export const LINK_REFUSED =
  'This shared link does not exist, was revoked, or needs its password again; open the link anew.';

export const BEARER_FORMAT =
  'The Authorization header must be "Bearer <API key>", with the key as it was shown once at its creation.';
export const KEY_REFUSED =
  'This API key is unknown or revoked; create a new one in the account settings.';

/**
 * An API key (`Authorization: Bearer …`) when the request has one, else a shared link
 * (`X-Trackveil-Share`), else the session cookie. A request that shows a key or a link is judged
 * by it alone: a bad one is a 401 even with a cookie.
 */
@Injectable()
export class RequestAuthenticator extends Authenticator {
  constructor(
    private readonly sessions: UserSessionsService,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly sharedLinks: SharedLinkVerifier,
  ) {
    super();
  }

  async authenticate(req: Request, siteId?: string): Promise<Authentication | null> {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer +([\x21-\x7e]{1,200})$/i.exec(authorization.trim());
      if (!match) throw new UnauthorizedException(BEARER_FORMAT);
      const key = await this.apiKeys.verify(match[1], siteId);
      if (!key) throw new UnauthorizedException(KEY_REFUSED);
      return key;
    }
    const share = req.headers[SHARE_HEADER];
    if (typeof share === 'string') {
      const access = req.headers[SHARE_ACCESS_HEADER];
      const link = await this.sharedLinks.verify(
        share.trim(),
        typeof access === 'string' ? access.trim() : undefined,
      );
      if (!link) throw new UnauthorizedException(LINK_REFUSED);
      const { principal } = link;
      // A link reads its own site only: any other id names no site it can see.
      const own = siteId?.toLowerCase() === principal.siteId;
      return {
        principal,
        site:
          siteId === undefined
            ? undefined
            : own
              ? { accountId: principal.accountId, role: null, timezone: link.timezone }
              : null,
      };
    }
    return this.sessions.authenticateWithSite(req, req.res, siteId);
  }
}
