import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { createLogger, prettyLogs, StartLogger } from './common/logging.js';
import { ConfigurationError, readEnvironment } from './config/environment.js';
import { refusedConnection } from './database/database-errors.js';
import { EmbeddedDatabase } from './database/embedded-database.js';
import { announceStart } from './start-banner.js';

async function bootstrap(): Promise<void> {
  const env = readEnvironment();
  const root = createLogger(env.LOG_LEVEL, env.LOG_FORMAT);
  const logger = root.child({ context: 'Bootstrap' });

  // Without DATABASE_URL, Trackveil brings its own PostgreSQL; it must outlive the app's pool, so
  // it is started before the app and stopped after it.
  const embedded = env.DATABASE_URL
    ? undefined
    : await EmbeddedDatabase.start({
        dataDir: env.EMBEDDED_POSTGRES_DIR,
        port: env.EMBEDDED_POSTGRES_PORT,
        log: (message) => logger.info(message),
      });
  if (embedded) process.env.DATABASE_URL = embedded.url;

  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    bufferLogs: true,
    // Until `configureApp` gives Nest the application's logger, and for a start that fails.
    logger: new StartLogger(root),
    // A failed start is reported below, not by Nest's abort.
    abortOnError: false,
  });
  configureApp(app);

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing in-flight requests, then stopping.`);
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${env.SHUTDOWN_TIMEOUT_MS} ms; exiting anyway.`);
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS).unref();
    // Keep-alive connections are closed as they go idle (see `applyHttpTimeouts`).
    await app.close();
    await embedded?.stop();
    logger.info('Stopped.');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, (received) => void shutdown(received));
  }

  await app.listen(env.PORT, env.HOST);
  try {
    await announceStart(app, logger, prettyLogs(env.LOG_FORMAT));
  } catch (error) {
    // A stop signal during the start closes the server under the banner (no address, no
    // database): the shutdown goes on and exits 0; anything else is a failed start.
    if (!stopping) throw error;
  }
}

bootstrap().catch((error: unknown) => {
  // A configuration error, or a database that refuses the connection for good, is a message for
  // a person, not a stack trace.
  const refused = refusedConnection(error, process.env.DATABASE_URL);
  const text = refused ?? (error instanceof Error ? error.message : String(error));
  process.stderr.write(`Trackveil could not start.\n${text}\n`);
  if (error instanceof Error && !refused && !(error instanceof ConfigurationError)) {
    process.stderr.write(`${error.stack ?? ''}\n`);
  }
  process.exit(1);
});
