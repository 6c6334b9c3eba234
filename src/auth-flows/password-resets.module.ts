import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MailModule } from '../mail/mail.module.js';
import { PasswordsModule } from '../passwords/passwords.module.js';
import { PasswordResetsService } from './password-resets.service.js';

/** Password-reset links, for the routes and for the CLI (which has no HTTP server). */
@Module({
  imports: [AuthModule, PasswordsModule, MailModule],
  providers: [PasswordResetsService],
  exports: [PasswordResetsService],
})
export class PasswordResetsModule {}
