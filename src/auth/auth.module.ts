import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AccessGuard } from './access.guard.js';
import { ApiRequestMiddleware } from './api-request.middleware.js';
import { ApiKeyVerifier, Authenticator, RequestAuthenticator } from './authenticator.js';
import { ResourceAccessService } from './resource-access.service.js';
import { UserSessionsService } from './user-sessions.service.js';

/**
 * Who may call which route: `AccessGuard` on every route, deny by default; sign-in sessions and
 * API keys (`ApiKeysModule` checks the keys); CSRF checks and JSON bodies for `/api/…`.
 */
@Module({
  imports: [ApiKeysModule],
  providers: [
    UserSessionsService,
    ResourceAccessService,
    { provide: ApiKeyVerifier, useExisting: ApiKeysService },
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
