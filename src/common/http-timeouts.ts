import type { Server } from 'node:http';

export interface HttpTimeouts {
  /** From a connection's opening (or a request's first byte) to the end of its headers. */
  headersTimeoutMs: number;
  /** From the same start to the end of the whole request, body included. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open between requests. */
  keepAliveTimeoutMs: number;
}

/**
 * Sets Node's own HTTP timeouts on the server, before it listens. A client that sends its headers
 * or body too slowly (one byte at a time, or stops halfway) is answered 408 and its connection
 * closed by Node itself, whatever route it asked for; its body never completes, so nothing of it
 * is stored.
 *
 * Node checks these timeouts only every `connectionsCheckingInterval` (30 s by default), a
 * `createServer` option that Nest does not pass; Node reads it again when the server starts
 * listening, so it is set here too, to a quarter of the shorter timeout (at most 1 s). An idle
 * keep-alive connection is not subject to the headers timeout, only to the keep-alive one.
 */
export function applyHttpTimeouts(server: Server, timeouts: HttpTimeouts): void {
  if (server.listening) {
    throw new Error('HTTP timeouts must be applied before the server listens.');
  }
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  const shorter = Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs);
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    Math.max(25, Math.min(1000, Math.floor(shorter / 4)));
  closeIdleConnectionsWhileClosing(server);
}

/**
 * Node's `close()` closes the keep-alive connections idle at that moment; one still answering a
 * request goes idle afterwards and would hold the closing server open for the whole keep-alive
 * timeout (longer than a load balancer's idle timeout, so a minute or more). Close each as soon
 * as it has no request in flight, for `app.close()` from anywhere, tests included.
 */
function closeIdleConnectionsWhileClosing(server: Server): void {
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void): Server => {
    const timer = setInterval(() => server.closeIdleConnections(), 100).unref();
    server.once('close', () => clearInterval(timer));
    return close(callback);
  };
}
