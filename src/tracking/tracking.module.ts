import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { FilteredTrafficModule } from '../filtered-traffic/filtered-traffic.module.js';
import { GeoIpModule } from '../geoip/geoip.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { ReferrerSourcesModule } from '../referrer-sources/referrer-sources.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { VisitorsModule } from '../visitors/visitors.module.js';
import { TrackRequestMiddleware } from './track-request.middleware.js';
import { TrackingController } from './tracking.controller.js';
import { TrackingMetrics, trackingMetricProviders } from './tracking.metrics.js';
import { ReceiptsPruner } from './receipts-pruner.js';
import { ReferrerSpamList } from './referrer-spam/referrer-spam-list.js';
import { TrackingService } from './tracking.service.js';

@Module({
  // RateLimitModule: the hit storage `TrackRequestMiddleware` applies the limit with.
  imports: [
    SitesModule,
    VisitorsModule,
    SessionsModule,
    RateLimitModule,
    FilteredTrafficModule,
    ReferrerSourcesModule,
    GeoIpModule,
  ],
  controllers: [TrackingController],
  providers: [
    TrackingService,
    ReceiptsPruner,
    TrackingMetrics,
    ...trackingMetricProviders,
    // Read once at start; a missing or malformed list stops the start.
    { provide: ReferrerSpamList, useFactory: () => ReferrerSpamList.fromFile() },
  ],
})
export class TrackingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TrackRequestMiddleware).forRoutes({ path: 'track', method: RequestMethod.ALL });
  }
}
