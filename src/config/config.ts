import { ConfigModule } from '@nestjs/config';
import { appConfig } from './app.config.js';
import { authConfig } from './auth.config.js';
import { databaseConfig } from './database.config.js';
import { validateEnvironment } from './environment.js';
import { geoipConfig } from './geoip.config.js';
import { metricsConfig } from './metrics.config.js';
import { statsConfig } from './stats.config.js';
import { trackingConfig } from './tracking.config.js';

/** The configuration of the server and the CLI: environment (and `.env`), validated at start. */
export const configModule = ConfigModule.forRoot({
  isGlobal: true,
  cache: true,
  validate: validateEnvironment,
  load: [
    appConfig,
    authConfig,
    databaseConfig,
    trackingConfig,
    metricsConfig,
    statsConfig,
    geoipConfig,
  ],
});
