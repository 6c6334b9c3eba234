import { Controller, Get, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { AccessGuard, type AuthenticatedRequest, SIGN_IN_NEEDED } from './access.guard.js';
import { AnonymousAuthenticator, Authenticator, type Principal } from './authenticator.js';
import { Public } from './public.decorator.js';

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

  @Get('private')
  closed(): string {
    return 'closed';
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

function contextFor(controller: new () => object, method: string, req: object = {}) {
  const handler = (controller.prototype as Record<string, unknown>)[method] as () => unknown;
  const context = new ExecutionContextHost([req, {}, () => undefined], controller, handler);
  context.setType('http');
  return context;
}

class FixedAuthenticator extends Authenticator {
  calls = 0;
  constructor(private readonly principal: Principal | null) {
    super();
  }
  authenticate(): Promise<Principal | null> {
    this.calls += 1;
    return Promise.resolve(this.principal);
  }
}

describe('AccessGuard', () => {
  it('should let anyone through a public handler at once, without asking for a caller', () => {
    const authenticator = new FixedAuthenticator(null);
    const guard = new AccessGuard(new Reflector(), authenticator);
    expect(guard.canActivate(contextFor(MixedController, 'open'))).toBe(true);
    expect(guard.canActivate(contextFor(OpenController, 'read'))).toBe(true);
    expect(authenticator.calls).toBe(0);
  });

  it('should refuse an anonymous caller with 401 on a route without an access rule', async () => {
    const guard = new AccessGuard(new Reflector(), new AnonymousAuthenticator());
    const refusal = guard.canActivate(contextFor(MixedController, 'closed'));
    await expect(refusal).rejects.toThrow(UnauthorizedException);
    await expect(refusal).rejects.toThrow(SIGN_IN_NEEDED);
  });

  it('should let a caller the authenticator knows through and put it on the request', async () => {
    const principal: Principal = { type: 'user', id: '7d2f4d5e-0b8a-4c1e-9f3a-2b6c8d0e1f2a' };
    const req = {};
    const guard = new AccessGuard(new Reflector(), new FixedAuthenticator(principal));
    await expect(guard.canActivate(contextFor(MixedController, 'closed', req))).resolves.toBe(true);
    expect((req as AuthenticatedRequest).principal).toBe(principal);
  });

  it("should judge a handler inherited by two controllers by each controller's own rule", async () => {
    const guard = new AccessGuard(new Reflector(), new AnonymousAuthenticator());
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
    const guard = new AccessGuard(reflector, new AnonymousAuthenticator());
    for (let call = 0; call < 100; call += 1) {
      expect(guard.canActivate(contextFor(MixedController, 'open'))).toBe(true);
      expect(guard.canActivate(contextFor(OpenController, 'read'))).toBe(true);
    }
    expect(lookup).toHaveBeenCalledTimes(2);
  });
});
