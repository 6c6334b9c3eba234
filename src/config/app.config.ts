import { registerAs } from '@nestjs/config';
import { parseTrustProxy, readEnvironment } from './environment.js';

export const appConfig = registerAs('app', () => {
  const env = readEnvironment();
  return {
    port: env.PORT,
    host: env.HOST,
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    /** Where browsers reach this server; used in the snippet Trackveil prints. */
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    createDemoSite: env.CREATE_DEMO_SITE,
    serveTestPage: env.SERVE_TEST_PAGE,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
});

export type AppConfig = ReturnType<typeof appConfig>;
