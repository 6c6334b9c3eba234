import { Module } from '@nestjs/common';
import { FilteredTrafficModule } from '../filtered-traffic/filtered-traffic.module.js';
import { GoalsModule } from '../goals/goals.module.js';
import { RollupJob, rollupMetricProviders } from './rollups/rollup-job.js';
import { RollupsModule } from './rollups/rollups.module.js';
import { StatsController } from './stats.controller.js';
import { StatsPool } from './stats-pool.js';
import { StatsService } from './stats.service.js';

/**
 * The stats API: summary, timeseries, breakdowns, realtime and exports of a site's traffic, and
 * the job that keeps their rollups up to date.
 */
@Module({
  imports: [FilteredTrafficModule, GoalsModule, RollupsModule],
  controllers: [StatsController],
  providers: [StatsService, StatsPool, RollupJob, ...rollupMetricProviders],
  exports: [StatsService],
})
export class StatsModule {}
