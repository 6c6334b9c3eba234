import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a message, unless
 * `TRACKVEIL_REQUIRE_BROWSER=1` (set by `.ci/run`) turns that into a failure, so CI can never
 * pass without running them.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: the browser tests need it (apt-get install -y chromium, or set CHROMIUM_PATH).`;
  if (process.env.TRACKVEIL_REQUIRE_BROWSER === '1') throw new Error(message);
  console.warn(`${message} Skipping them.`);
  return false;
}

/**
 * Headless Chromium as this machine allows it. The desktop Chrome User-Agent is set for the whole
 * browser: headless Chromium says `HeadlessChrome`, which the bot filter drops, and a per-context
 * User-Agent does not reach the keepalive requests a page sends while it unloads.
 */
export function launchChromium(userAgent: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-agent=${userAgent}`,
    ],
  });
}

/** A tiny web server for the host pages, on its own origin (another port than the API). */
export class PageServer {
  private readonly pages = new Map<string, string>();
  private server: Server | undefined;
  origin = '';

  /** Serves `html` at `path`; `/slow.png` answers after 3 s, to keep a page from loading. */
  set(path: string, html: string): string {
    this.pages.set(path, html);
    return `${this.origin}${path}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (path === '/slow.png') {
        setTimeout(() => res.writeHead(404).end(), 3000);
        return;
      }
      const html = this.pages.get(path);
      if (html === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    // localhost, while the API is reached as 127.0.0.1: another host and port, another origin.
    this.origin = `http://localhost:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
