import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { databaseConfig } from '../config/database.config.js';
import { queryWithin } from '../database/bounded-query.js';
import { databaseErrorCode } from '../database/database-errors.js';

/**
 * Whether PostgreSQL answers `SELECT 1` within `HEALTH_TIMEOUT_MS`. The probe's answer says only
 * up or down: the reason (which names hosts, ports, users or databases) goes to the log, once
 * when the database goes down and once when it is back, not on every probe of an outage.
 */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger('Health');
  private readonly timeoutMs: number;
  private lastStatus: 'up' | 'down' | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
    @Inject(databaseConfig.KEY) config: ConfigType<typeof databaseConfig>,
  ) {
    this.timeoutMs = config.healthTimeoutMs;
  }

  async check(key: 'database'): Promise<HealthIndicatorResult<'database'>> {
    const indicator = this.indicators.check(key);
    try {
      await queryWithin(this.dataSource, { text: 'SELECT 1' }, this.timeoutMs);
    } catch (error) {
      if (this.lastStatus !== 'down') {
        this.logger.warn(
          { sqlState: databaseErrorCode(error), reason: (error as Error).message },
          'The database health check failed; /health and /health/ready answer 503 until it passes.',
        );
      }
      this.lastStatus = 'down';
      return indicator.down();
    }
    if (this.lastStatus === 'down') this.logger.log('The database health check passes again.');
    this.lastStatus = 'up';
    return indicator.up();
  }
}
