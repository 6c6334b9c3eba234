import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP pass-through to PostgreSQL that a test can cut, to see how the app behaves when its
 * database becomes unreachable (and comes back), without stopping the shared server. It can also
 * stall: the database then hangs instead of being down.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private stalled = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      this.forward(client, upstream);
      this.forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Drops every connection and stops listening: the database is now unreachable. */
  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server = undefined;
  }

  /** Listens again on the same port. */
  restore(): Promise<void> {
    return this.start(this.port);
  }

  /**
   * A silent network: every connection stays open and new ones are accepted, but nothing is
   * forwarded either way, and what is sent meanwhile is dropped (never delivered later), so a
   * statement sent during the stall never reaches PostgreSQL. Closing a connection still
   * reaches the other side, as it would once a partition heals.
   */
  stall(): void {
    this.stalled = true;
  }

  /** Forwards again; connections that sent nothing during the stall work as before. */
  resume(): void {
    this.stalled = false;
  }

  /** `url` rewritten to go through this proxy. */
  urlFor(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.stalled || to.destroyed) return;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
  }
}
