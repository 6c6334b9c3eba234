import { Module } from '@nestjs/common';
import { CommonPasswordList } from './common-password-list.js';
import { PasswordsService } from './passwords.service.js';

@Module({
  providers: [
    // Read once at start (a few milliseconds), not on each check.
    { provide: CommonPasswordList, useFactory: () => CommonPasswordList.fromFile() },
    PasswordsService,
  ],
  exports: [PasswordsService],
})
export class PasswordsModule {}
