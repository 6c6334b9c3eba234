import type { ModuleMetadata } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { Clock } from '../../src/common/clock.js';

export interface TestAppOptions {
  databaseUrl: string;
  /** Environment variables for this app, on top of the test defaults. */
  env?: Record<string, string>;
  clock?: Clock;
  /** Modules and controllers added beside `AppModule` (test-only routes, Nest's discovery). */
  extra?: Pick<ModuleMetadata, 'imports' | 'controllers'>;
}

const TEST_ENV: Record<string, string> = {
  CREATE_DEMO_SITE: 'false',
  LOG_LEVEL: 'silent',
  RATE_LIMIT_MAX_REQUESTS: '1000000',
  DATABASE_CONNECT_TIMEOUT_MS: '1000',
  // In-memory rate limits, whatever the developer's shell or .env says (empty means unset).
  REDIS_URL: '',
  // The bundled country database, whatever the shell says.
  GEOIP_DATABASE: '',
  // No rollup job: the stats read raw rows unless a test turns rollups on and runs the job.
  STATS_ROLLUP_INTERVAL_SECONDS: '0',
  // Rollups read wherever they exist, however small the site, when a test turns them on.
  STATS_RAW_MAX_PAGEVIEWS: '0',
};

/**
 * The real `AppModule`, configured by the same `configureApp()` as production; only the clock is
 * replaced when a test passes one.
 */
export async function createTestApp(options: TestAppOptions): Promise<NestExpressApplication> {
  Object.assign(process.env, TEST_ENV, { DATABASE_URL: options.databaseUrl }, options.env);
  const builder = Test.createTestingModule({
    imports: [AppModule, ...(options.extra?.imports ?? [])],
    controllers: options.extra?.controllers ?? [],
  });
  if (options.clock) builder.overrideProvider(Clock).useValue(options.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  configureApp(app);
  await app.init();
  return app;
}

export function dataSourceOf(app: NestExpressApplication): DataSource {
  return app.get<DataSource>(getDataSourceToken());
}
