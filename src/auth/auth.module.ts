import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard.js';
import { ApiRequestMiddleware } from './api-request.middleware.js';
import { ApiKeyVerifier, Authenticator, RequestAuthenticator } from './authenticator.js';
import type { ApiKeyPrincipal } from './principal.js';
import { ResourceAccessService } from './resource-access.service.js';
import { UserSessionsService } from './user-sessions.service.js';

/** Until API keys exist every key is unknown. Replaced by the API keys module. */
class NoApiKeys extends ApiKeyVerifier {
  verify(): Promise<ApiKeyPrincipal | null> {
    return Promise.resolve(null);
  }
}

/**
 * Who may call which route: `AccessGuard` on every route, deny by default; sign-in sessions;
 * CSRF checks and JSON bodies for `/api/…`.
 */
@Module({
  providers: [
    UserSessionsService,
    ResourceAccessService,
    { provide: ApiKeyVerifier, useClass: NoApiKeys },
    { provide: Authenticator, useClass: RequestAuthenticator },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [UserSessionsService],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(ApiRequestMiddleware)
      .forRoutes({ path: 'api/*path', method: RequestMethod.ALL });
  }
}
