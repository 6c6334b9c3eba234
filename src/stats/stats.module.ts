import { Module } from '@nestjs/common';
import { FilteredTrafficModule } from '../filtered-traffic/filtered-traffic.module.js';
import { GoalsModule } from '../goals/goals.module.js';
import { StatsController } from './stats.controller.js';
import { StatsService } from './stats.service.js';

/** The stats API: summary, timeseries, breakdowns, realtime and exports of a site's traffic. */
@Module({
  imports: [FilteredTrafficModule, GoalsModule],
  controllers: [StatsController],
  providers: [StatsService],
  exports: [StatsService],
})
export class StatsModule {}
