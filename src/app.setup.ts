import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { appConfig } from './config/app.config.js';

/**
 * Everything about the app that is not a provider, shared by `main.ts` and the tests so both run
 * the same app. Create the app with `{ bodyParser: false }`: `/track` parses its own body.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.set('trust proxy', app.get<ReturnType<typeof appConfig>>(appConfig.KEY).trustProxy);
  app.disable('x-powered-by');
  return app;
}
