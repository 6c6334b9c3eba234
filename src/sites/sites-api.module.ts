import { Module } from '@nestjs/common';
import { RetentionJob, retentionMetricProviders } from './retention-job.js';
import { SitePurger } from './site-purger.js';
import { SitesController } from './sites.controller.js';
import { SitesModule } from './sites.module.js';

/**
 * The sites API, the background purge of deleted sites and the data retention job: the server's
 * part. The CLI imports only `SitesModule`, so a CLI run never starts deleting.
 */
@Module({
  imports: [SitesModule],
  controllers: [SitesController],
  providers: [SitePurger, RetentionJob, ...retentionMetricProviders],
  exports: [SitePurger],
})
export class SitesApiModule {}
