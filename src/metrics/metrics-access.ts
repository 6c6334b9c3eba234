import { createHash, timingSafeEqual } from 'node:crypto';

/** Why a scrape was refused: the 401's message and its `WWW-Authenticate` challenge. */
export interface MetricsRefusal {
  message: string;
  challenge: string;
}

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Checks a scrape's `Authorization` header against `METRICS_TOKEN`; undefined when it may read
 * the metrics. Both sides are hashed before the constant-time comparison, so that neither the
 * time taken nor a length check tells anything about the token.
 */
export function refuseScrape(
  authorization: string | undefined,
  token: string | undefined,
): MetricsRefusal | undefined {
  if (token === undefined) return undefined;
  const given = BEARER.exec(authorization ?? '')?.[1];
  if (given === undefined) {
    return {
      message: '/metrics needs the header "Authorization: Bearer <METRICS_TOKEN>".',
      challenge: 'Bearer realm="trackveil-metrics"',
    };
  }
  if (timingSafeEqual(sha256(given), sha256(token))) return undefined;
  return {
    message: 'The bearer token is not METRICS_TOKEN; check the token your Prometheus sends.',
    challenge: 'Bearer realm="trackveil-metrics", error="invalid_token"',
  };
}
