import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { useResolvedClientAddress } from './common/client-address.js';
import { applyHttpTimeouts } from './common/http-timeouts.js';
import { serveOpenApi } from './common/openapi.js';
import { appConfig } from './config/app.config.js';

/**
 * Everything about the app that is not a provider, shared by `main.ts` and the tests so both run
 * the same app. Create the app with `{ bodyParser: false }`: `/track` parses its own body. Call it
 * before the app listens: the HTTP server's timeouts are set here.
 */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  const config = app.get<ReturnType<typeof appConfig>>(appConfig.KEY);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  useResolvedClientAddress(app);
  applyHttpTimeouts(app.getHttpServer(), config.http);
  app.disable('x-powered-by');
  serveOpenApi(app);
  return app;
}
