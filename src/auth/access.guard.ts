import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { MembershipRole } from '../users/entities/membership.entity.js';
import { ACCESS_RULE, type AccessRule } from './access-rules.js';
import { Authenticator } from './authenticator.js';
import type { Principal, ResourceAccess } from './principal.js';
import { ResourceAccessService, type SiteMembership } from './resource-access.service.js';

export const SIGN_IN_NEEDED = 'This route needs a signed-in user; sign in and try again.';
export const NO_ACCESS_RULE =
  'This route declares no access rule, so nobody may call it (deny by default).';
export const PEOPLE_ONLY = 'API keys cannot call this route; sign in as a member instead.';
export const SHARED_LINK_READS_ONLY =
  "A shared link reads its site's stats and nothing else; sign in for the rest.";

/** A request that passed `AccessGuard` on a route that is not public. */
export interface AuthenticatedRequest extends Request {
  principal: Principal;
  /** Set on account- and site-scoped routes. */
  access?: ResourceAccess;
}

const RANK: Record<MembershipRole, number> = { viewer: 1, admin: 2, owner: 3 };

/** What the role of a key is: a `full` key may do an admin's work, a `stats:read` key a viewer's. */
const KEY_ROLE = { full: 'admin', 'stats:read': 'viewer' } as const;

const NOT_FOUND = { account: 'Account not found.', site: 'Site not found.' } as const;

/**
 * Decides every route (registered as `APP_GUARD`), deny by default:
 * - a route or controller marked `@Public()` is reachable by anyone;
 * - any other route needs a caller (a session cookie or an API key): 401 without one;
 * - `@SignedIn()` routes need a person, not a key (403);
 * - `@AccountAccess(role)` / `@SiteAccess(role)` routes need a member of the account the
 *   `:accountId` / `:siteId` names, with that role at least. A caller who is not a member gets
 *   the same 404 as for an id that does not exist, so ids of other accounts reveal nothing; a
 *   member whose role is too low gets 403. API keys are judged by the route's `keys` option;
 * - a route without a rule is refused to every caller (403), so a route added without thinking
 *   about access is closed, not open.
 * The caller is put on the request as `principal`, and the account/site and role as `access`.
 *
 * Public routes pay one lookup in a map: a route's rule is read from its metadata once and kept
 * per controller and handler (a handler inherited by two controllers may have two rules), and the
 * answer for them is synchronous, so Nest does not wait a tick for it (`/track` runs through here).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly rules = new WeakMap<object, WeakMap<object, AccessRule | null>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly resources: ResourceAccessService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.ruleOf(context);
    if (rule?.kind === 'public') return true;
    return this.authorize(context.switchToHttp().getRequest<AuthenticatedRequest>(), rule);
  }

  private async authorize(req: AuthenticatedRequest, rule: AccessRule | null): Promise<boolean> {
    // A site route's site is read in the caller's own query (one round trip, not two).
    const siteId = rule?.kind === 'site' ? String(req.params.siteId ?? '') : undefined;
    const authentication = await this.authenticator.authenticate(req, siteId);
    if (!authentication) throw new UnauthorizedException(SIGN_IN_NEEDED);
    const { principal } = authentication;
    req.principal = principal;
    if (rule === null) throw new ForbiddenException(NO_ACCESS_RULE);
    if (rule.kind === 'user') {
      if (principal.type !== 'user') throw new ForbiddenException(PEOPLE_ONLY);
      return true;
    }
    if (rule.kind === 'public') return true;
    if (principal.type === 'shared_link' && !(rule.kind === 'site' && rule.sharedLinks)) {
      throw new ForbiddenException(SHARED_LINK_READS_ONLY);
    }
    const id = siteId ?? String(req.params.accountId ?? '');
    const found = await this.resolve(rule.kind, id, principal, authentication.site);
    if (!found) throw new NotFoundException(NOT_FOUND[rule.kind]);
    let role: MembershipRole = found.role;
    if (principal.type === 'api_key') {
      if (rule.keys === 'none') throw new ForbiddenException(PEOPLE_ONLY);
      if (rule.keys === 'full' && principal.scope !== 'full') {
        throw new ForbiddenException(
          `This API key has the scope ${principal.scope}; this route needs a key with the scope full.`,
        );
      }
      role = rule.keys === 'stats:read' ? 'viewer' : KEY_ROLE[principal.scope];
    }
    if (RANK[role] < RANK[rule.role]) {
      throw new ForbiddenException(
        principal.type === 'user'
          ? `This needs the ${rule.role} role in this account; yours is ${role}.`
          : `API keys cannot do this; it needs a member with the ${rule.role} role.`,
      );
    }
    req.access = { ...found, role };
    return true;
  }

  /**
   * The account (and site) the id names and the caller's role there; null when not theirs.
   * `readSite` is the site as the authenticator read it, when it did.
   */
  private async resolve(
    kind: 'account' | 'site',
    id: string,
    principal: Principal,
    readSite: SiteMembership | null | undefined,
  ): Promise<ResourceAccess | null> {
    const userId = principal.type === 'user' ? principal.userId : null;
    if (principal.type === 'shared_link') {
      // Only the link's own site; any other id reads as one that does not exist.
      return kind === 'site' && id.toLowerCase() === principal.siteId
        ? {
            accountId: principal.accountId,
            siteId: principal.siteId,
            siteTimezone: readSite?.timezone,
            role: 'viewer',
          }
        : null;
    }
    if (kind === 'site') {
      const site =
        readSite === undefined ? await this.resources.siteMembership(id, userId) : readSite;
      if (!site) return null;
      const siteId = id.toLowerCase();
      if (principal.type === 'api_key') {
        return site.accountId === principal.accountId
          ? { accountId: site.accountId, siteId, siteTimezone: site.timezone, role: 'viewer' }
          : null;
      }
      return site.role
        ? { accountId: site.accountId, siteId, siteTimezone: site.timezone, role: site.role }
        : null;
    }
    if (principal.type === 'api_key') {
      return id.toLowerCase() === principal.accountId
        ? { accountId: principal.accountId, role: 'viewer' }
        : null;
    }
    const role = await this.resources.accountRole(id, principal.userId);
    return role ? { accountId: id.toLowerCase(), role } : null;
  }

  private ruleOf(context: ExecutionContext): AccessRule | null {
    const controller = context.getClass();
    const handler = context.getHandler();
    let ofController = this.rules.get(controller);
    if (!ofController) {
      ofController = new WeakMap();
      this.rules.set(controller, ofController);
    }
    let rule = ofController.get(handler);
    if (rule === undefined) {
      rule =
        this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
          handler,
          controller,
        ]) ?? null;
      ofController.set(handler, rule);
    }
    return rule;
  }
}
