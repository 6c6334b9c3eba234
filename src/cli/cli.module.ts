import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module.js';
import { configModule } from '../config/config.js';
import { DatabaseModule } from '../database/database.module.js';
import { SitesModule } from '../sites/sites.module.js';

/** What the command line needs: configuration, the database and the site service. */
@Module({
  imports: [configModule, CommonModule, DatabaseModule, SitesModule],
})
export class CliModule {}
