import { Module } from '@nestjs/common';
import { AuthRateLimits } from '../auth-flows/auth-rate-limits.js';
import { PasswordsModule } from '../passwords/passwords.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { SharedLinksController } from './shared-links.controller.js';
import { SharedLinksService } from './shared-links.service.js';

/**
 * Shared links: their routes, and `SharedLinksService`, which `AuthModule` uses as the
 * `SharedLinkVerifier` of `X-Trackveil-Share` requests (like API keys, without a cycle).
 */
@Module({
  imports: [PasswordsModule, RateLimitModule],
  controllers: [SharedLinksController],
  providers: [SharedLinksService, AuthRateLimits],
  exports: [SharedLinksService],
})
export class SharedLinksModule {}
