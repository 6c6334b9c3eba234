import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { PasswordResetsModule } from '../auth-flows/password-resets.module.js';
import { CommonModule } from '../common/common.module.js';
import { configModule } from '../config/config.js';
import { DatabaseModule } from '../database/database.module.js';
import { ReferrerSourcesModule } from '../referrer-sources/referrer-sources.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { RollupsModule } from '../stats/rollups/rollups.module.js';

/**
 * What the command line needs: configuration, the database, the site service, password-reset
 * links (with the audit log they are recorded in), the referrer sources (for the backfill) and
 * the stats rollups (`stats rebuild`, `stats check`).
 */
@Module({
  imports: [
    configModule,
    CommonModule,
    AuditModule,
    DatabaseModule,
    SitesModule,
    PasswordResetsModule,
    ReferrerSourcesModule,
    RollupsModule,
  ],
})
export class CliModule {}
