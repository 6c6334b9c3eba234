import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './access.guard.js';
import type { Principal, ResourceAccess } from './principal.js';

/** The caller `AccessGuard` found (a route that is not public). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);

/** The account (and site) of an `@AccountAccess` / `@SiteAccess` route, and the caller's role there. */
export const CurrentAccess = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ResourceAccess => {
    const access = context.switchToHttp().getRequest<AuthenticatedRequest>().access;
    if (!access)
      throw new Error('CurrentAccess is only for @AccountAccess and @SiteAccess routes.');
    return access;
  },
);
