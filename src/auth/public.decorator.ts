import { SetMetadata } from '@nestjs/common';

/** The metadata key under which a route or controller declares who may call it. */
export const ACCESS_RULE = 'trackveil:access-rule';

/**
 * What a route declares about its callers. Today the only rule is "anyone": a route without a rule
 * needs a signed-in caller. The roles and key scopes that routes will declare join this type, set
 * under the same key, so `AccessGuard` keeps reading one piece of metadata per route.
 */
export interface AccessRule {
  readonly public: true;
}

const PUBLIC: AccessRule = Object.freeze({ public: true });

/**
 * Lets anonymous callers reach a route (on a handler) or every route of a controller (on the
 * class). Every other route is refused without a signed-in caller: see `AccessGuard`.
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(ACCESS_RULE, PUBLIC);
