import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { geoipConfig } from '../config/geoip.config.js';
import { GeoIpService } from './geoip.service.js';

@Module({
  providers: [
    {
      provide: GeoIpService,
      inject: [geoipConfig.KEY],
      // Read once at start; an unreadable GEOIP_DATABASE stops the start.
      useFactory: (config: ConfigType<typeof geoipConfig>) => GeoIpService.open(config.database),
    },
  ],
  exports: [GeoIpService],
})
export class GeoIpModule {}
