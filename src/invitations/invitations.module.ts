import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { MailModule } from '../mail/mail.module.js';
import { MembersModule } from '../members/members.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountInvitationsController, InvitationsController } from './invitations.controller.js';
import { InvitationsService } from './invitations.service.js';

/** Invitations to accounts: sent by admins, accepted through a one-time link. */
@Module({
  imports: [AccountsModule, AuthModule, MailModule, MembersModule, UsersModule],
  controllers: [AccountInvitationsController, InvitationsController],
  providers: [InvitationsService],
})
export class InvitationsModule {}
