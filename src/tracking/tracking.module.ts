import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { trackingConfig } from '../config/tracking.config.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { VisitorsModule } from '../visitors/visitors.module.js';
import { RATE_LIMIT_MESSAGE, TrackRequestMiddleware } from './track-request.middleware.js';
import { TrackingController } from './tracking.controller.js';
import { TrackingMetrics, trackingMetricProviders } from './tracking.metrics.js';
import { ReceiptsPruner } from './receipts-pruner.js';
import { TrackingService } from './tracking.service.js';

@Module({
  imports: [
    SitesModule,
    VisitorsModule,
    SessionsModule,
    // Provides the hit storage `TrackRequestMiddleware` limits /track with.
    ThrottlerModule.forRootAsync({
      inject: [trackingConfig.KEY],
      useFactory: (config: ConfigType<typeof trackingConfig>) => ({
        throttlers: [{ ttl: config.rateLimit.windowMs, limit: config.rateLimit.maxRequests }],
        errorMessage: RATE_LIMIT_MESSAGE,
      }),
    }),
  ],
  controllers: [TrackingController],
  providers: [TrackingService, ReceiptsPruner, TrackingMetrics, ...trackingMetricProviders],
})
export class TrackingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TrackRequestMiddleware).forRoutes({ path: 'track', method: RequestMethod.ALL });
  }
}
