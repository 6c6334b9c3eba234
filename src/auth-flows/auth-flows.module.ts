import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MailModule } from '../mail/mail.module.js';
import { PasswordsModule } from '../passwords/passwords.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { AuthFlowsController } from './auth-flows.controller.js';
import { AuthRateLimits } from './auth-rate-limits.js';
import { PasswordResetsModule } from './password-resets.module.js';
import { SignInService } from './sign-in.service.js';

/** Sign-up, sign-in, sign-out, sessions, password change and reset (`/api/auth/…`). */
@Module({
  imports: [AuthModule, PasswordsModule, MailModule, RateLimitModule, PasswordResetsModule],
  controllers: [AuthFlowsController],
  providers: [SignInService, AuthRateLimits],
})
export class AuthFlowsModule {}
