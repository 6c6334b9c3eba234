import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AuditLogController, AuthActivityController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

/**
 * The last audit write of a shutdown, for entries recorded by requests that finished while the
 * HTTP server closed. Nest calls `onApplicationShutdown` after closing the server, module by
 * module, global modules last; TypeORM's global module closes the connection pool in that hook.
 * This provider's module is not global, so its hook runs before the pool closes (the audit e2e
 * test "should write the entry of a request that finishes while the app closes" checks it).
 */
@Injectable()
class AuditShutdownFlush implements OnApplicationShutdown {
  constructor(private readonly audit: AuditService) {}

  onApplicationShutdown(): Promise<void> {
    return this.audit.flushAfterServerClosed();
  }
}

@Module({ providers: [AuditShutdownFlush] })
class AuditShutdownModule {}

/** Global: every module that changes or reads something records it here. */
@Global()
@Module({
  imports: [AuditShutdownModule],
  controllers: [AuditLogController, AuthActivityController],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
