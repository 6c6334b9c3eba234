import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment.js';

export const metricsConfig = registerAs('metrics', () => {
  const env = readEnvironment();
  return {
    /** When set, `/metrics` answers only requests with `Authorization: Bearer <token>`. */
    token: env.METRICS_TOKEN,
    /** When set, `/metrics` is served only on this port (on `HOST`), not on `PORT`. */
    port: env.METRICS_PORT,
    host: env.HOST,
  };
});

export type MetricsConfig = ReturnType<typeof metricsConfig>;
