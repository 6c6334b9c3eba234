import { Global, Module } from '@nestjs/common';
import { AuditLogController, AuthActivityController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

/** Global: every module that changes or reads something records it here. */
@Global()
@Module({
  controllers: [AuditLogController, AuthActivityController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
