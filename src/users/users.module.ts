import { Module } from '@nestjs/common';
import { PasswordsModule } from '../passwords/passwords.module.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [PasswordsModule],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
