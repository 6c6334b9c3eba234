import { Module } from '@nestjs/common';
import { FilteredTrafficService } from './filtered-traffic.service.js';

/**
 * Not global on purpose: its `onApplicationShutdown` (the last write) then runs before TypeORM's
 * global module closes the connection pool.
 */
@Module({
  providers: [FilteredTrafficService],
  exports: [FilteredTrafficService],
})
export class FilteredTrafficModule {}
