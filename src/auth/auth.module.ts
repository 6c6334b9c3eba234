import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard.js';
import { AnonymousAuthenticator, Authenticator } from './authenticator.js';

/** Who may call which route: `AccessGuard` on every route, deny by default. */
@Module({
  providers: [
    { provide: Authenticator, useClass: AnonymousAuthenticator },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class AuthModule {}
