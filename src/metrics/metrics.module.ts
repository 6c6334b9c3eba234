import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
  PrometheusModule,
} from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import {
  HTTP_REQUEST_DURATION,
  HTTP_REQUESTS_TOTAL,
  HttpMetricsMiddleware,
} from './http-metrics.middleware.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsServer } from './metrics-server.js';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max: number };
}

@Module({
  imports: [
    PrometheusModule.register({
      path: '/metrics',
      controller: MetricsController,
      defaultMetrics: { enabled: true },
    }),
  ],
  providers: [
    HttpMetricsMiddleware,
    MetricsServer,
    makeCounterProvider({
      name: HTTP_REQUESTS_TOTAL,
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'],
    }),
    makeHistogramProvider({
      name: HTTP_REQUEST_DURATION,
      help: 'HTTP request latency by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    makeGaugeProvider({
      name: 'trackveil_db_pool_connections',
      help: 'PostgreSQL pool connections: total open, idle, requests waiting for one, and the maximum.',
      labelNames: ['state'],
      inject: [getDataSourceToken()],
      collect(this: Gauge<'state'>, dataSource: DataSource) {
        const pool = (dataSource.driver as PostgresDriver).master as PgPool | undefined;
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
        this.set({ state: 'max' }, pool.options.max);
      },
    }),
  ],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
