import { connect, type Socket } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { waitFor } from './utils/data-source.js';
import { CHROME_UA, makeEvent, makeSite } from './utils/factories.js';
import { createTestApp, dataSourceOf } from './utils/test-app.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 3000;
/** Node checks the timeouts every quarter of the shorter one; the rest is a shared machine. */
const SLACK_MS = 2500;
const TRICKLE_INTERVAL_MS = 250;

/** A raw TCP connection to the app, recording what it receives and when it closes. */
class RawClient {
  readonly socket: Socket;
  received = '';
  readonly openedAt = Date.now();
  /** Milliseconds from opening to the server's closing the connection. */
  readonly closed: Promise<number>;
  private isClosed = false;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8').on('data', (chunk: string) => (this.received += chunk));
    this.socket.on('error', () => undefined); // writes after the server closed: EPIPE, ECONNRESET
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.isClosed = true;
        resolve(Date.now() - this.openedAt);
      }),
    );
  }

  /** Like `closed`, but Infinity if the server has not closed the connection by `limitMs`. */
  closedWithin(limitMs: number): Promise<number> {
    const deadline = limitMs - (Date.now() - this.openedAt);
    return Promise.race([
      this.closed,
      new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), deadline).unref()),
    ]);
  }

  get open(): boolean {
    return !this.isClosed;
  }

  async ready(): Promise<void> {
    if (!this.socket.connecting) return;
    await new Promise((resolve) => this.socket.once('connect', resolve));
  }

  /** Sends `text` one byte every `intervalMs` until it is all sent or the connection closed. */
  async trickle(text: string, intervalMs: number): Promise<number> {
    let sent = 0;
    while (sent < text.length && this.open) {
      this.socket.write(text[sent]);
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    return sent;
  }

  /** Status lines of the responses received so far. */
  statuses(): number[] {
    return [...this.received.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((match) => Number(match[1]));
  }
}

function trackRequestHead(contentLength: number, extra = ''): string {
  return (
    'POST /track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
    `User-Agent: ${CHROME_UA}\r\nContent-Length: ${contentLength}\r\n${extra}\r\n`
  );
}

describe('slow and vanishing clients', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let client: pg.Client;
  let siteId: string;
  let port: number;
  const clients: RawClient[] = [];

  const raw = async (): Promise<RawClient> => {
    const rawClient = new RawClient(port);
    clients.push(rawClient);
    await rawClient.ready();
    return rawClient;
  };

  const eventBody = (path: string): string =>
    JSON.stringify(makeEvent(siteId, { url: `https://example.com${path}` }));

  const send = async (path: string): Promise<number> => {
    const res = await fetch(`http://127.0.0.1:${port}/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': CHROME_UA },
      body: eventBody(path),
    });
    return res.status;
  };

  const storedPaths = async (prefix: string): Promise<string[]> => {
    const { rows } = await client.query<{ path: string }>(
      `SELECT path FROM page_views WHERE site_id = $1 AND path LIKE $2 ORDER BY path`,
      [siteId, `${prefix}%`],
    );
    return rows.map((row) => row.path);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    // Listening on a real port, configured by the same configureApp() as main.ts.
    app = await createTestApp({
      databaseUrl: db.url,
      env: {
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
      },
    });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
    siteId = (await makeSite(dataSourceOf(app))).id;
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    for (const rawClient of clients) rawClient.socket.destroy();
    await app?.close();
    await client?.end();
    await db?.drop();
  });

  it('should cut off a body trickled byte by byte within the request timeout while serving other requests', async () => {
    const body = eventBody('/trickled');
    const trickler = await raw();
    trickler.socket.write(trackRequestHead(Buffer.byteLength(body)));
    const trickling = trickler.trickle(body, TRICKLE_INTERVAL_MS);

    // Meanwhile, ordinary events from other connections are answered and stored.
    const statuses: number[] = [];
    for (let n = 0; trickler.open && n < 40; n++) {
      statuses.push(await send(`/served/${String(n).padStart(2, '0')}`));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const closedAfter = await trickler.closedWithin(REQUEST_TIMEOUT_MS + SLACK_MS);
    trickler.socket.destroy();
    const bytesSent = await trickling;
    expect(closedAfter).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(closedAfter).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(bytesSent).toBeLessThan(body.length); // cut by the server, not finished
    expect(trickler.statuses()).toEqual([408]);

    expect(statuses.length).toBeGreaterThan(3);
    expect(statuses).toEqual(statuses.map(() => 202));
    expect(await storedPaths('/served/')).toHaveLength(statuses.length);
    expect(await send('/after-trickle')).toBe(202);
    expect(await storedPaths('/trickled')).toEqual([]);
  });

  it('should cut off headers trickled byte by byte within the headers timeout', async () => {
    const trickler = await raw();
    trickler.socket.write('POST /track HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickling = trickler.trickle('X-Slow: ' + 'a'.repeat(200), TRICKLE_INTERVAL_MS);

    const closedAfter = await trickler.closedWithin(REQUEST_TIMEOUT_MS + SLACK_MS);
    trickler.socket.destroy();
    await trickling;
    expect(closedAfter).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    // Well before the request timeout: the headers timeout did it.
    expect(closedAfter).toBeLessThan(REQUEST_TIMEOUT_MS);
    expect(trickler.statuses()).toEqual([408]);
    expect(await send('/after-slow-headers')).toBe(202);
  });

  it('should close a connection that sends nothing within the headers timeout', async () => {
    const silent = await raw();
    const closedAfter = await silent.closedWithin(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(closedAfter).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(closedAfter).toBeLessThan(REQUEST_TIMEOUT_MS);
  });

  it('should store nothing of a body whose client disconnects halfway, and keep serving', async () => {
    // A whole JSON event, but the Content-Length promises more: the body is not complete.
    const body = eventBody('/vanished');
    const leaver = await raw();
    const received = waitForRequest();
    leaver.socket.write(trackRequestHead(Buffer.byteLength(body) + 100) + body);
    await received;
    leaver.socket.destroy();
    await leaver.closed;

    expect(await send('/after-vanished')).toBe(202);
    expect(await storedPaths('/vanished')).toEqual([]);
    expect(await storedPaths('/after-vanished')).toEqual(['/after-vanished']);
  });

  it('should keep an idle keep-alive connection open past the headers timeout', async () => {
    const body = eventBody('/kept-alive/1');
    const keeper = await raw();
    keeper.socket.write(trackRequestHead(Buffer.byteLength(body)) + body);
    await waitFor('the first answer', () => keeper.statuses().length === 1, { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, HEADERS_TIMEOUT_MS + 1000));

    expect(keeper.open).toBe(true);
    const second = eventBody('/kept-alive/2');
    keeper.socket.write(trackRequestHead(Buffer.byteLength(second)) + second);
    await waitFor('the second answer', () => keeper.statuses().length === 2, { timeoutMs: 5000 });
    expect(keeper.statuses()).toEqual([202, 202]);
    expect(await storedPaths('/kept-alive/')).toEqual(['/kept-alive/1', '/kept-alive/2']);
  });

  it('should answer a request whose storing takes longer than the request timeout', async () => {
    // The timeout covers receiving the request, not the database's work on it.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE page_views IN SHARE MODE');
      const startedAt = Date.now();
      const answer = send('/slow-commit');
      await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS + 1000));
      await blocker.query('COMMIT');
      expect(await answer).toBe(202);
      expect(Date.now() - startedAt).toBeGreaterThan(REQUEST_TIMEOUT_MS);
    } finally {
      await blocker.end();
    }
    expect(await storedPaths('/slow-commit')).toEqual(['/slow-commit']);
  });

  /** Waits until the server has started handling a request (its body being read). */
  async function waitForRequest(): Promise<void> {
    let seen = false;
    const server = app.getHttpServer();
    const onRequest = () => (seen = true);
    server.on('request', onRequest);
    try {
      await waitFor('the server to receive the request', () => seen, { timeoutMs: 5000 });
    } finally {
      server.off('request', onRequest);
    }
  }
});
