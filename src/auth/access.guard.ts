import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Authenticator, type Principal } from './authenticator.js';
import { ACCESS_RULE, type AccessRule } from './public.decorator.js';

export const SIGN_IN_NEEDED = 'This route needs a signed-in user; sign in and try again.';

/** A request that passed `AccessGuard` on a route that is not public. */
export interface AuthenticatedRequest extends Request {
  principal: Principal;
}

/**
 * Decides every route (registered as `APP_GUARD`), deny by default: a route is reachable
 * anonymously only if it or its controller is `@Public()`; every other route needs the caller
 * that `Authenticator` finds, and answers 401 without one. The caller is then put on the request
 * as `principal`.
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
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.ruleOf(context)?.public) return true;
    return this.authenticate(context.switchToHttp().getRequest<Request>());
  }

  private async authenticate(req: Request): Promise<boolean> {
    const principal = await this.authenticator.authenticate(req);
    if (!principal) throw new UnauthorizedException(SIGN_IN_NEEDED);
    (req as AuthenticatedRequest).principal = principal;
    return true;
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
