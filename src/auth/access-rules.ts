import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { API_KEY_AUTH, SESSION_AUTH } from '../common/openapi.js';
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
      /** Site routes only: whether a shared link of the site may call it (reading its stats). */
      readonly sharedLinks?: boolean;
    };

const PUBLIC: AccessRule = Object.freeze({ kind: 'public' });
const USER: AccessRule = Object.freeze({ kind: 'user' });

/**
 * Lets anonymous callers reach a route (on a handler) or every route of a controller (on the
 * class). Every other route is refused without a signed-in caller: see `AccessGuard`.
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(ACCESS_RULE, PUBLIC);

const UNAUTHORIZED = ApiUnauthorizedResponse({
  type: ErrorBodyDto,
  description: 'No session cookie or API key, or one that has ended or been revoked.',
});

/** Any signed-in person (a session cookie): their profile, their sessions, their accounts. */
export const SignedIn = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, USER),
    ApiCookieAuth(SESSION_AUTH),
    UNAUTHORIZED,
    ApiForbiddenResponse({
      type: ErrorBodyDto,
      description: 'An API key: only people may call this.',
    }),
  );

/** The rule, and what it means in the OpenAPI document: who may call, and the 401/403/404 answers. */
function scopedAccess(
  kind: 'account' | 'site',
  role: MembershipRole,
  keys: KeyAccess,
  sharedLinks = false,
) {
  const keyNote =
    keys === 'none'
      ? 'API keys may not call it.'
      : keys === 'full'
        ? 'API keys of scope `full` may call it.'
        : 'Any API key of the account may call it (`stats:read` or `full`).';
  return applyDecorators(
    SetMetadata(ACCESS_RULE, Object.freeze({ kind, role, keys, sharedLinks })),
    ApiCookieAuth(SESSION_AUTH),
    ...(keys === 'none' ? [] : [ApiBearerAuth(API_KEY_AUTH)]),
    UNAUTHORIZED,
    ApiForbiddenResponse({
      type: ErrorBodyDto,
      description: `A member whose role is below ${role}, or a key that may not do this. ${keyNote}`,
    }),
    ApiNotFoundResponse({
      type: ErrorBodyDto,
      description: `No such ${kind}, or one of an account the caller is not a member of (the same answer).`,
    }),
  );
}

/** Default key access: keys of scope `full` may do what an admin may, never an owner's work. */
const DEFAULT_KEYS: KeyAccess = 'full';

/**
 * A route under an account, whose path has `:accountId`: members with at least `role` may call
 * it; others get 404. `keys` says which API keys of that account may call it (default `full`).
 */
export const AccountAccess = (
  role: MembershipRole,
  options: { keys?: KeyAccess } = {},
): ClassDecorator & MethodDecorator => scopedAccess('account', role, options.keys ?? DEFAULT_KEYS);

/**
 * A route under a site, whose path has `:siteId`: members of the site's account with at least
 * `role` may call it; others get 404. `keys` as for `AccountAccess`; `sharedLinks: true` also
 * lets the site's shared links call it (reads of its stats only; role `viewer`).
 */
export const SiteAccess = (
  role: MembershipRole,
  options: { keys?: KeyAccess; sharedLinks?: boolean } = {},
): ClassDecorator & MethodDecorator =>
  scopedAccess('site', role, options.keys ?? DEFAULT_KEYS, options.sharedLinks === true);
