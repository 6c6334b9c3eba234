import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthFlowsModule } from './auth-flows/auth-flows.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { CommonModule } from './common/common.module.js';
import { loggerParams } from './common/logging.js';
import { createValidationPipe } from './common/validation.js';
import { appConfig } from './config/app.config.js';
import { configModule } from './config/config.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DatabaseModule } from './database/database.module.js';
import { GoalsModule } from './goals/goals.module.js';
import { HealthModule } from './health/health.module.js';
import { InvitationsModule } from './invitations/invitations.module.js';
import { MembersModule } from './members/members.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PasswordsModule } from './passwords/passwords.module.js';
import { SitesApiModule } from './sites/sites-api.module.js';
import { SitesModule } from './sites/sites.module.js';
import { StatsModule } from './stats/stats.module.js';
import { TrackerScriptModule } from './tracker-script/tracker-script.module.js';
import { TrackingModule } from './tracking/tracking.module.js';

@Module({
  imports: [
    configModule,
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: ConfigType<typeof appConfig>) => loggerParams(app.logLevel, app.logFormat),
    }),
    CommonModule,
    // First: its routes are matched first, and `POST /track` runs for every page view.
    TrackingModule,
    AuditModule,
    AuthModule,
    AuthFlowsModule,
    DatabaseModule,
    MetricsModule,
    HealthModule,
    SitesModule,
    StatsModule,
    SitesApiModule,
    GoalsModule,
    AccountsModule,
    MembersModule,
    InvitationsModule,
    PasswordsModule,
    TrackerScriptModule,
    DashboardModule,
  ],
  providers: [
    {
      provide: APP_PIPE,
      useValue: createValidationPipe(),
    },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
  ],
})
export class AppModule {}
