import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { UsersModule } from '../users/users.module.js';
import { SitesService } from './sites.service.js';

@Module({
  imports: [AccountsModule, UsersModule],
  providers: [SitesService],
  exports: [SitesService],
})
export class SitesModule {}
