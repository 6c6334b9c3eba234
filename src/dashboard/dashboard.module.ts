import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { DashboardMiddleware } from './dashboard.middleware.js';

/** The web dashboard (`dashboard/`, built by Vite), served at `/`. Import it last. */
@Module({})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DashboardMiddleware).forRoutes('*');
  }
}
