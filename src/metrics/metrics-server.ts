import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { register } from 'prom-client';
import { assignRequestId } from '../common/logging.js';
import { metricsConfig, type MetricsConfig } from '../config/metrics.config.js';
import { refuseScrape } from './metrics-access.js';

/**
 * With `METRICS_PORT` set, a second small HTTP listener on `HOST` that serves `GET /metrics` and
 * nothing else, so the main port (the one a load balancer exposes) has no metrics at all. It
 * starts with the app and closes after the main server on shutdown, so it can be scraped while
 * in-flight requests drain.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(@Inject(metricsConfig.KEY) private readonly config: MetricsConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, host } = this.config;
    if (port === undefined) return;
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `METRICS_PORT ${port} is already in use on ${host}; choose a free port.`
              : `Could not serve /metrics on ${host}:${port}: ${error.message}`,
            { cause: error },
          ),
        ),
      );
      server.listen(port, host, resolve);
    });
    this.server = server;
    this.logger.log(`Serving /metrics on port ${port}.`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = assignRequestId(req, res);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      return send(res, 404, {
        statusCode: 404,
        error: 'Not Found',
        message: `Cannot ${req.method} ${path}; this port serves only GET /metrics.`,
        requestId,
      });
    }
    const refusal = refuseScrape(req.headers.authorization, this.config.token);
    if (refusal) {
      res.setHeader('WWW-Authenticate', refusal.challenge);
      return send(res, 401, {
        statusCode: 401,
        error: 'Unauthorized',
        message: refusal.message,
        requestId,
      });
    }
    try {
      const text = await register.metrics();
      res.writeHead(200, { 'Content-Type': register.contentType }).end(text);
    } catch (error) {
      this.logger.error({ requestId, err: error }, 'Collecting the metrics failed; answered 500.');
      send(res, 500, {
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Collecting the metrics failed; the error is logged.',
        requestId,
      });
    }
  }
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
