import { SetMetadata } from '@nestjs/common';
import type { MembershipRole } from '../users/entities/membership.entity.js';

/** The metadata key under which a route or controller declares who may call it. */
export const ACCESS_RULE = 'trackveil:access-rule';

/**
 * Which API keys may call an account- or site-scoped route besides members with the role:
 * `none` (people only: members, keys, the audit log), `full` (keys of scope `full`, acting as an
 * admin) or `stats:read` (any key of the account, acting as a viewer: reading stats).
 */
export type KeyAccess = 'none' | 'full' | 'stats:read';

/**
 * What a route declares about its callers; `AccessGuard` reads one rule per route.
 * - `public`: anyone, no sign-in;
 * - `user`: a signed-in person (a session), whatever their accounts; API keys are refused;
 * - `account`: a member of the account named by the route's `:accountId`, with `role` at least;
 * - `site`: a member of the account that owns the site named by `:siteId`, with `role` at least.
 * A caller who is not a member of that account gets 404, as for an id that does not exist.
 */
export type AccessRule =
  | { readonly kind: 'public' }
  | { readonly kind: 'user' }
  | {
      readonly kind: 'account' | 'site';
      readonly role: MembershipRole;
      readonly keys: KeyAccess;
    };

const PUBLIC: AccessRule = Object.freeze({ kind: 'public' });
const USER: AccessRule = Object.freeze({ kind: 'user' });

/**
 * Lets anonymous callers reach a route (on a handler) or every route of a controller (on the
 * class). Every other route is refused without a signed-in caller: see `AccessGuard`.
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(ACCESS_RULE, PUBLIC);

/** Any signed-in person (a session cookie): their profile, their sessions, their accounts. */
export const SignedIn = (): ClassDecorator & MethodDecorator => SetMetadata(ACCESS_RULE, USER);

/** Default key access: keys of scope `full` may do what an admin may, never an owner's work. */
const DEFAULT_KEYS: KeyAccess = 'full';

/**
 * A route under an account, whose path has `:accountId`: members with at least `role` may call
 * it; others get 404. `keys` says which API keys of that account may call it (default `full`).
 */
export const AccountAccess = (
  role: MembershipRole,
  options: { keys?: KeyAccess } = {},
): ClassDecorator & MethodDecorator =>
  SetMetadata(
    ACCESS_RULE,
    Object.freeze({ kind: 'account', role, keys: options.keys ?? DEFAULT_KEYS }),
  );

/**
 * A route under a site, whose path has `:siteId`: members of the site's account with at least
 * `role` may call it; others get 404. `keys` as for `AccountAccess`.
 */
export const SiteAccess = (
  role: MembershipRole,
  options: { keys?: KeyAccess } = {},
): ClassDecorator & MethodDecorator =>
  SetMetadata(
    ACCESS_RULE,
    Object.freeze({ kind: 'site', role, keys: options.keys ?? DEFAULT_KEYS }),
  );
