import { Module } from '@nestjs/common';
import { RollupsService } from './rollups.service.js';

/** The stats rollups' maintenance, for the server's rollup job and the CLI's `stats` commands. */
@Module({
  providers: [RollupsService],
  exports: [RollupsService],
})
export class RollupsModule {}
