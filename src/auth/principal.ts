import type { MembershipRole } from '../users/entities/membership.entity.js';

export const API_KEY_SCOPES = ['stats:read', 'full'] as const;
/** `stats:read` reads a site's stats; `full` may also manage the account's sites (as an admin). */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** A person signed in through a session cookie. */
export interface UserPrincipal {
  readonly type: 'user';
  readonly userId: string;
  /** The `user_sessions` row the cookie names: sign-out ends it. */
  readonly sessionId: string;
}

/** A program calling with `Authorization: Bearer <key>`; a key belongs to one account. */
export interface ApiKeyPrincipal {
  readonly type: 'api_key';
  readonly keyId: string;
  readonly accountId: string;
  readonly scope: ApiKeyScope;
}

/**
 * Whoever opened a shared link (`X-Trackveil-Share: <token>`): reads the stats of one site,
 * nothing else (routes declare it with `sharedLinks: true`).
 */
export interface SharedLinkPrincipal {
  readonly type: 'shared_link';
  readonly linkId: string;
  readonly siteId: string;
  readonly accountId: string;
}

/** Who is calling a route that is not public. */
export type Principal = UserPrincipal | ApiKeyPrincipal | SharedLinkPrincipal;

/**
 * What `AccessGuard` found for a route scoped to an account or a site: the account (and site) the
 * route's parameters name, and the role the caller acts with there (a `full` key acts as an
 * admin, a `stats:read` key as a viewer).
 */
export interface ResourceAccess {
  readonly accountId: string;
  readonly siteId?: string;
  /** The site's IANA timezone, when the guard read it with the site (not for shared links). */
  readonly siteTimezone?: string;
  readonly role: MembershipRole;
}

/** The site of a `@SiteAccess` route's access (always set there). */
export function siteIdOf(access: ResourceAccess): string {
  if (!access.siteId) throw new Error('A site route without a site id in its access.');
  return access.siteId;
}
