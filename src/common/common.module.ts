import {
  Global,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { Clock } from './clock.js';
import { RequestLoggerMiddleware } from './request-logger.middleware.js';

@Global()
@Module({
  providers: [Clock],
  exports: [Clock],
})
export class CommonModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RequestLoggerMiddleware)
      .exclude({ path: 'track', method: RequestMethod.POST })
      .forRoutes('*');
  }
}
