import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REFERRER_SPAM_FILE } from './referrer-spam-list.js';
import {
  checkSpamList,
  MIN_DOMAINS,
  refreshReferrerSpamList,
  stampSourceNote,
} from './refresh-referrer-spam.js';

const SHIPPED_DIR = dirname(REFERRER_SPAM_FILE);

/** `count` distinct, valid domains, one a line. */
const domains = (count: number): string =>
  Array.from({ length: count }, (_, i) => `spam-${i}.example`).join('\n');

describe('checkSpamList', () => {
  it('should keep the upstream lines in their order, trimmed, without blank lines', () => {
    const text = `QIWI.xyz\r\n\r\n${domains(MIN_DOMAINS)}\n\n`;
    const checked = checkSpamList(text);
    expect(checked.count).toBe(MIN_DOMAINS + 1);
    expect(checked.text.startsWith('QIWI.xyz\nspam-0.example\n')).toBe(true);
    expect(checked.text.endsWith(`spam-${MIN_DOMAINS - 1}.example\n`)).toBe(true);
  });

  it('should refuse a list with too few domains, as a truncated download would be', () => {
    expect(() => checkSpamList(domains(MIN_DOMAINS - 1))).toThrow(
      `The referrer spam list has ${MIN_DOMAINS - 1} domains, outside the plausible`,
    );
  });

  it('should refuse a page that is not a list', () => {
    expect(() => checkSpamList('<!DOCTYPE html>\n<title>Rate limited</title>')).toThrow(
      /^Line 1 of the referrer spam list is not a domain name/,
    );
  });
});

describe('stampSourceNote', () => {
  it('should rewrite only the version line', () => {
    const note = '# Title\n\nAbout.\n\nVersion: commit `abc` of 2026-01-01, 2 domains.\n\nMore.\n';
    expect(stampSourceNote(note, 'https://example.org/spammers.txt', '2026-12-02', 2345)).toBe(
      '# Title\n\nAbout.\n\nVersion: downloaded 2026-12-02 from <https://example.org/spammers.txt>, 2,345 domains.\n\nMore.\n',
    );
  });

  it('should refuse a note without a version line', () => {
    expect(() => stampSourceNote('# Title\n', 'x', '2026-12-02', 1)).toThrow(
      /no "Version: …" line/,
    );
  });
});

describe('refreshReferrerSpamList', () => {
  let dir: string;
  let server: Server;
  let baseUrl: string;
  let closedPort: number;
  /** What the local server answers, by path; anything else is a 404. */
  let served: Record<string, { status: number; body: string }>;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const { status, body } = served[req.url ?? ''] ?? { status: 404, body: 'Not found' };
      res.writeHead(status).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trackveil-spam-'));
    await copyFile(join(SHIPPED_DIR, 'spammers.txt'), join(dir, 'spammers.txt'));
    await copyFile(join(SHIPPED_DIR, 'SOURCE.md'), join(dir, 'SOURCE.md'));
    served = { '/page.html': { status: 200, body: '<html><body>Sign in</body></html>' } };
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const files = async () => ({
    list: await readFile(join(dir, 'spammers.txt'), 'utf8'),
    note: await readFile(join(dir, 'SOURCE.md'), 'utf8'),
  });

  it('should rewrite the list and date it in SOURCE.md from a download', async () => {
    served['/spammers.txt'] = { status: 200, body: `${domains(1500)}\n` };
    const url = `${baseUrl}/spammers.txt`;

    const count = await refreshReferrerSpamList({ from: url, dir, date: '2026-12-02' });

    expect(count).toBe(1500);
    const { list, note } = await files();
    expect(list).toBe(`${domains(1500)}\n`);
    expect(note).toContain(`Version: downloaded 2026-12-02 from <${url}>, 1,500 domains.`);
    expect(note).not.toContain('b1c66b3');
  });

  it('should reproduce the shipped list byte for byte from a copy of it in a local file', async () => {
    const shipped = await readFile(REFERRER_SPAM_FILE, 'utf8');
    const copy = join(dir, 'downloaded.txt');
    await writeFile(copy, shipped);

    const count = await refreshReferrerSpamList({ from: copy, dir, date: '2026-12-02' });

    const { list, note } = await files();
    expect(list).toBe(shipped);
    expect(count).toBe(shipped.split('\n').filter(Boolean).length);
    expect(note).toContain(
      `Version: copied 2026-12-02 from a local file, ${count.toLocaleString('en-US')} domains.`,
    );
  });

  it.each([
    [
      'the server cannot be reached',
      () => `http://127.0.0.1:${closedPort}/spammers.txt`,
      /^Could not download the referrer spam list from http:\/\/127\.0\.0\.1:\d+\/spammers\.txt \(.*ECONNREFUSED.*\)\. Check the network/,
    ],
    ['the server answers 404', () => `${baseUrl}/missing.txt`, /: HTTP 404\. Check the address/],
    ['the download is not a list', () => `${baseUrl}/page.html`, /is not a domain name/],
    [
      'the file does not exist',
      () => '/nonexistent/spammers.txt',
      /^Cannot read \/nonexistent\/spammers\.txt/,
    ],
  ])('should fail clearly and write nothing when %s', async (_, from, message) => {
    const before = await files();

    await expect(
      refreshReferrerSpamList({ from: from(), dir, date: '2026-12-02' }),
    ).rejects.toThrow(message);

    expect(await files()).toEqual(before);
  });
});
