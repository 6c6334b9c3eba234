import {
  Controller,
  ForbiddenException,
  Get,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { MembershipRole } from '../users/entities/membership.entity.js';
import {
  AccessGuard,
  type AuthenticatedRequest,
  NO_ACCESS_RULE,
  PEOPLE_ONLY,
  SHARED_LINK_READS_ONLY,
  SIGN_IN_NEEDED,
} from './access.guard.js';
import { AccountAccess, Public, SignedIn, SiteAccess } from './access-rules.js';
import { type Authentication, Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';
import { ResourceAccessService, type SiteMembership } from './resource-access.service.js';

@Controller('open')
@Public()
class OpenController {
  @Get()
  read(): string {
    return 'open';
  }
}

@Controller('mixed')
class MixedController {
  @Get('public')
  @Public()
  open(): string {
    return 'open';
  }

  @Get('undeclared')
  undeclared(): string {
    return 'closed';
  }

  @Get('me')
  @SignedIn()
  me(): string {
    return 'me';
  }

  @Get('accounts/:accountId/members')
  @AccountAccess('admin', { keys: 'none' })
  members(): string {
    return 'members';
  }

  @Get('sites/:siteId/stats')
  @SiteAccess('viewer', { keys: 'stats:read' })
  stats(): string {
    return 'stats';
  }

  @Get('sites/:siteId/settings')
  @SiteAccess('admin')
  settings(): string {
    return 'settings';
  }

  @Get('sites/:siteId/shared-stats')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  sharedStats(): string {
    return 'shared stats';
  }
}

class BaseController {
  @Get()
  list(): string {
    return 'list';
  }
}

/** Both inherit the same handler function; only one of them is public. */
@Public()
@Controller('public-child')
class PublicChildController extends BaseController {}

@Controller('private-child')
class PrivateChildController extends BaseController {}

function contextFor(controller: new () => object, method: string, req: { params?: object } = {}) {
  const handler = (controller.prototype as Record<string, unknown>)[method] as () => unknown;
  req.params ??= {};
  const context = new ExecutionContextHost([req, {}, () => undefined], controller, handler);
  context.setType('http');
  return context;
}

class FixedAuthenticator extends Authenticator {
  calls = 0;
  /** The site ids the guard asked to read with the caller. */
  sitesAsked: (string | undefined)[] = [];

  /** `site`: what the authenticator read of the site (left unset: it read none). */
  constructor(
    private readonly principal: Principal | null,
    private readonly site?: SiteMembership | null,
  ) {
    super();
  }

  authenticate(_req: unknown, siteId?: string): Promise<Authentication | null> {
    this.calls += 1;
    this.sitesAsked.push(siteId);
    if (!this.principal) return Promise.resolve(null);
    return Promise.resolve(
      this.site === undefined
        ? { principal: this.principal }
        : { principal: this.principal, site: this.site },
    );
  }
}

const ACCOUNT = '11111111-1111-4111-8111-111111111111';
const OTHER_ACCOUNT = '22222222-2222-4222-8222-222222222222';
const SITE = '33333333-3333-4333-8333-333333333333';
const USER = '7d2f4d5e-0b8a-4c1e-9f3a-2b6c8d0e1f2a';

/** One site in ACCOUNT; `roles` says which role USER holds in which account. */
class KnownResources extends ResourceAccessService {
  constructor(private readonly roles: Record<string, MembershipRole>) {
    super(undefined as never);
  }

  override siteMembership(siteId: string, userId: string | null) {
    if (siteId !== SITE) return Promise.resolve(null);
    return Promise.resolve({
      accountId: ACCOUNT,
      role: userId === USER ? (this.roles[ACCOUNT] ?? null) : null,
      timezone: 'Europe/Berlin',
    });
  }

  override accountRole(accountId: string, userId: string) {
    return Promise.resolve(userId === USER ? (this.roles[accountId] ?? null) : null);
  }
}

const user: Principal = { type: 'user', userId: USER, sessionId: 'session' };
const key = (accountId: string, scope: 'full' | 'stats:read'): Principal => ({
  type: 'api_key',
  keyId: 'key',
  accountId,
  scope,
});

function guardFor(principal: Principal | null, roles: Record<string, MembershipRole> = {}) {
  return new AccessGuard(
    new Reflector(),
    new FixedAuthenticator(principal),
    new KnownResources(roles),
  );
}

describe('AccessGuard', () => {
  it('should let anyone through a public handler at once, without asking for a caller', () => {
    const authenticator = new FixedAuthenticator(null);
    const guard = new AccessGuard(new Reflector(), authenticator, new KnownResources({}));
    expect(guard.canActivate(contextFor(MixedController, 'open'))).toBe(true);
    expect(guard.canActivate(contextFor(OpenController, 'read'))).toBe(true);
    expect(authenticator.calls).toBe(0);
  });

  it('should refuse an anonymous caller with 401 on every route that is not public', async () => {
    for (const method of ['undeclared', 'me', 'members', 'stats']) {
      const refusal = guardFor(null).canActivate(
        contextFor(MixedController, method, { params: { accountId: ACCOUNT, siteId: SITE } }),
      );
      await expect(refusal).rejects.toThrow(UnauthorizedException);
      await expect(refusal).rejects.toThrow(SIGN_IN_NEEDED);
    }
  });

  it('should refuse a signed-in caller on a route that declares no rule (deny by default)', async () => {
    await expect(
      guardFor(user, { [ACCOUNT]: 'owner' }).canActivate(contextFor(MixedController, 'undeclared')),
    ).rejects.toThrow(NO_ACCESS_RULE);
  });

  it('should let a signed-in person through a SignedIn route and put them on the request, but not a key', async () => {
    const req = { params: {} };
    await expect(guardFor(user).canActivate(contextFor(MixedController, 'me', req))).resolves.toBe(
      true,
    );
    expect((req as unknown as AuthenticatedRequest).principal).toBe(user);
    await expect(
      guardFor(key(ACCOUNT, 'full')).canActivate(contextFor(MixedController, 'me')),
    ).rejects.toThrow(PEOPLE_ONLY);
  });

  it('should answer 404 to a user who is not a member, the same as for a site that does not exist', async () => {
    for (const params of [
      { siteId: SITE },
      { siteId: '44444444-4444-4444-8444-444444444444' },
      { siteId: 'not-a-uuid' },
    ]) {
      await expect(
        guardFor(user, { [OTHER_ACCOUNT]: 'owner' }).canActivate(
          contextFor(MixedController, 'stats', { params }),
        ),
      ).rejects.toThrow(new NotFoundException('Site not found.'));
    }
    await expect(
      guardFor(user, { [OTHER_ACCOUNT]: 'owner' }).canActivate(
        contextFor(MixedController, 'members', { params: { accountId: ACCOUNT } }),
      ),
    ).rejects.toThrow(new NotFoundException('Account not found.'));
  });

  it('should answer 403 to a member whose role is too low, and let a higher role through with its access', async () => {
    await expect(
      guardFor(user, { [ACCOUNT]: 'viewer' }).canActivate(
        contextFor(MixedController, 'settings', { params: { siteId: SITE } }),
      ),
    ).rejects.toThrow(ForbiddenException);
    const req = { params: { siteId: SITE } };
    await expect(
      guardFor(user, { [ACCOUNT]: 'admin' }).canActivate(
        contextFor(MixedController, 'settings', req),
      ),
    ).resolves.toBe(true);
    expect((req as unknown as AuthenticatedRequest).access).toEqual({
      accountId: ACCOUNT,
      siteId: SITE,
      siteTimezone: 'Europe/Berlin',
      role: 'admin',
    });
  });

  it('should judge API keys by their account and scope and by what the route lets keys do', async () => {
    const site = { params: { siteId: SITE } };
    // stats:read keys read stats of their own account's sites, nothing else.
    await expect(
      guardFor(key(ACCOUNT, 'stats:read')).canActivate(
        contextFor(MixedController, 'stats', { ...site }),
      ),
    ).resolves.toBe(true);
    await expect(
      guardFor(key(ACCOUNT, 'stats:read')).canActivate(
        contextFor(MixedController, 'settings', { ...site }),
      ),
    ).rejects.toThrow(ForbiddenException);
    // full keys act as an admin, on their own account only; another account's site is a 404.
    await expect(
      guardFor(key(ACCOUNT, 'full')).canActivate(
        contextFor(MixedController, 'settings', { ...site }),
      ),
    ).resolves.toBe(true);
    await expect(
      guardFor(key(OTHER_ACCOUNT, 'full')).canActivate(
        contextFor(MixedController, 'settings', { ...site }),
      ),
    ).rejects.toThrow(NotFoundException);
    // People-only routes refuse every key.
    await expect(
      guardFor(key(ACCOUNT, 'full')).canActivate(
        contextFor(MixedController, 'members', { params: { accountId: ACCOUNT } }),
      ),
    ).rejects.toThrow(PEOPLE_ONLY);
    await expect(
      guardFor(key(OTHER_ACCOUNT, 'full')).canActivate(
        contextFor(MixedController, 'members', { params: { accountId: ACCOUNT } }),
      ),
    ).rejects.toThrow(NotFoundException);
  });

  it("should let a shared link read its own site's shared routes only", async () => {
    const link: Principal = {
      type: 'shared_link',
      linkId: 'link',
      siteId: SITE,
      accountId: ACCOUNT,
    };
    const req = { params: { siteId: SITE } };
    await expect(
      guardFor(link).canActivate(contextFor(MixedController, 'sharedStats', req)),
    ).resolves.toBe(true);
    expect((req as unknown as AuthenticatedRequest).access).toEqual({
      accountId: ACCOUNT,
      siteId: SITE,
      role: 'viewer',
    });
    // Another site, even of the same account, does not exist for the link.
    await expect(
      guardFor(link).canActivate(
        contextFor(MixedController, 'sharedStats', {
          params: { siteId: '44444444-4444-4444-8444-444444444444' },
        }),
      ),
    ).rejects.toThrow(NotFoundException);
    // Routes that do not say `sharedLinks`, stats of keys included, are refused.
    for (const [method, params] of [
      ['stats', { siteId: SITE }],
      ['settings', { siteId: SITE }],
      ['members', { accountId: ACCOUNT }],
      ['me', {}],
    ] as const) {
      await expect(
        guardFor(link).canActivate(contextFor(MixedController, method, { params })),
      ).rejects.toThrow(method === 'me' ? PEOPLE_ONLY : SHARED_LINK_READS_ONLY);
    }
  });

  it('should take the site the authenticator read with the caller, without reading it again', async () => {
    const noReads = new (class extends KnownResources {
      override siteMembership(): never {
        throw new Error('the site was read already');
      }
    })({});
    const site: SiteMembership = { accountId: ACCOUNT, role: 'admin', timezone: 'Asia/Tokyo' };
    const authenticator = new FixedAuthenticator(user, site);
    const req = { params: { siteId: SITE } };
    await expect(
      new AccessGuard(new Reflector(), authenticator, noReads).canActivate(
        contextFor(MixedController, 'settings', req),
      ),
    ).resolves.toBe(true);
    expect(authenticator.sitesAsked).toEqual([SITE]);
    expect((req as unknown as AuthenticatedRequest).access).toEqual({
      accountId: ACCOUNT,
      siteId: SITE,
      siteTimezone: 'Asia/Tokyo',
      role: 'admin',
    });
    // The site as read decides: none (or not this key's account's) is a 404, as always.
    for (const [principal, read] of [
      [user, null],
      [key(OTHER_ACCOUNT, 'full'), site],
      [user, { ...site, role: null }],
    ] as const) {
      await expect(
        new AccessGuard(
          new Reflector(),
          new FixedAuthenticator(principal, read),
          noReads,
        ).canActivate(contextFor(MixedController, 'settings', { params: { siteId: SITE } })),
      ).rejects.toThrow(new NotFoundException('Site not found.'));
    }
    // Account routes ask for no site.
    const forAccount = new FixedAuthenticator(user);
    await new AccessGuard(
      new Reflector(),
      forAccount,
      new KnownResources({ [ACCOUNT]: 'owner' }),
    ).canActivate(contextFor(MixedController, 'members', { params: { accountId: ACCOUNT } }));
    expect(forAccount.sitesAsked).toEqual([undefined]);
  });

  it("should judge a handler inherited by two controllers by each controller's own rule", async () => {
    const guard = guardFor(null);
    for (let round = 0; round < 2; round += 1) {
      expect(guard.canActivate(contextFor(PublicChildController, 'list'))).toBe(true);
      await expect(guard.canActivate(contextFor(PrivateChildController, 'list'))).rejects.toThrow(
        UnauthorizedException,
      );
    }
  });

  it('should read the metadata of a route once, however often the route is called', () => {
    const reflector = new Reflector();
    const lookup = vi.spyOn(reflector, 'getAllAndOverride');
    const guard = new AccessGuard(reflector, new FixedAuthenticator(null), new KnownResources({}));
    for (let call = 0; call < 100; call += 1) {
      expect(guard.canActivate(contextFor(MixedController, 'open'))).toBe(true);
      expect(guard.canActivate(contextFor(OpenController, 'read'))).toBe(true);
    }
    expect(lookup).toHaveBeenCalledTimes(2);
  });
});
