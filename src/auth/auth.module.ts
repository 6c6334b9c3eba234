import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { SharedLinksModule } from '../shared-links/shared-links.module.js';
import { SharedLinksService } from '../shared-links/shared-links.service.js';
import { AccessGuard } from './access.guard.js';
import { ApiRequestMiddleware } from './api-request.middleware.js';
import {
  ApiKeyVerifier,
  Authenticator,
  RequestAuthenticator,
  SharedLinkVerifier,
} from './authenticator.js';
import { ResourceAccessService } from './resource-access.service.js';
import { UserSessionsService } from './user-sessions.service.js';

/**
 * Who may call which route: `AccessGuard` on every route, deny by default; sign-in sessions and
 * API keys (`ApiKeysModule` checks the keys); CSRF checks and JSON bodies for `/api/…`.
 */
@Module({
  imports: [ApiKeysModule, SharedLinksModule],
  providers: [
    UserSessionsService,
    ResourceAccessService,
    { provide: ApiKeyVerifier, useExisting: ApiKeysService },
    { provide: SharedLinkVerifier, useExisting: SharedLinksService },
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
