import { Module } from '@nestjs/common';
import { SitePurger } from './site-purger.js';
import { SitesController } from './sites.controller.js';
import { SitesModule } from './sites.module.js';

/**
 * The sites API and the background purge of deleted sites: the server's part. The CLI imports
 * only `SitesModule`, so a CLI run never starts purging.
 */
@Module({
  imports: [SitesModule],
  controllers: [SitesController],
  providers: [SitePurger],
  exports: [SitePurger],
})
export class SitesApiModule {}
