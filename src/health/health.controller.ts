import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/access-rules.js';
import { DatabaseHealthIndicator } from './database.health.js';

/**
 * Probes for load balancers and Kubernetes. Their bodies say which check is up or down and
 * nothing else: no host, port, user, database name or driver error.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  /** 200 when PostgreSQL answers within `HEALTH_TIMEOUT_MS`, 503 otherwise. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Whether PostgreSQL answers within HEALTH_TIMEOUT_MS' })
  check(): Promise<HealthCheckResult> {
    return this.checkDatabase();
  }

  /** Liveness: the process serves requests. Never looks at the database, so a database outage does not restart every replica. */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process serves requests (the database is not checked)' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Readiness: this replica can store events. */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: this replica can store events' })
  ready(): Promise<HealthCheckResult> {
    return this.checkDatabase();
  }

  private checkDatabase(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.check('database')]);
  }
}
