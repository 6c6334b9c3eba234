// `npm run refresh:referrer-spam [-- <url or file>]`: replaces spammers.txt with the current
// upstream list, after checking it, and dates the change in SOURCE.md.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  downloadDataFile,
  projectRoot,
  replaceFile,
  runAsScript,
} from '../../common/project-files.js';
import { parseSpamDomains } from './referrer-spam-list.js';

export const UPSTREAM_URL =
  'https://raw.githubusercontent.com/matomo-org/referrer-spam-list/master/spammers.txt';

/** Bounds of a plausible list (2,347 domains in 2026): fewer means a truncated or wrong file. */
export const MIN_DOMAINS = 1_000;
export const MAX_DOMAINS = 100_000;

const VERSION_LINE = /^Version: .*$/m;

/**
 * Checks a downloaded list and returns it as it will be written: its lines trimmed, without blank
 * lines, in upstream's order. Throws with the reason when it is not a plausible list.
 */
export function checkSpamList(text: string): { text: string; count: number } {
  const domains = parseSpamDomains(text);
  if (domains.length < MIN_DOMAINS || domains.length > MAX_DOMAINS) {
    throw new Error(
      `The referrer spam list has ${domains.length} domains, outside the plausible ${MIN_DOMAINS}–${MAX_DOMAINS}; it was not used. Check the source.`,
    );
  }
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return { text: `${lines.join('\n')}\n`, count: domains.length };
}

/** SOURCE.md with its version line naming this refresh. */
export function stampSourceNote(note: string, from: string, date: string, count: number): string {
  if (!VERSION_LINE.test(note)) {
    throw new Error('SOURCE.md has no "Version: …" line to update; restore it from git.');
  }
  const origin = isUrl(from)
    ? `downloaded ${date} from <${from}>`
    : `copied ${date} from a local file`;
  const version = `Version: ${origin}, ${count.toLocaleString('en-US')} domains.`;
  return note.replace(VERSION_LINE, version);
}

/** The list's text from an http(s) URL or a local file; fails with a sentence saying what to do. */
export async function fetchSpamList(from: string): Promise<string> {
  if (!isUrl(from)) {
    try {
      return await readFile(from, 'utf8');
    } catch (error) {
      throw new Error(`Cannot read ${from}: ${(error as Error).message}.`, { cause: error });
    }
  }
  const body = await downloadDataFile(
    from,
    'the referrer spam list',
    'download the file elsewhere and run `npm run refresh:referrer-spam -- <file>`',
  );
  return new TextDecoder().decode(body);
}

export interface RefreshOptions {
  /** An http(s) URL or a file path. */
  from: string;
  /** The folder holding spammers.txt and SOURCE.md. */
  dir: string;
  /** The day to write in SOURCE.md (YYYY-MM-DD). */
  date: string;
}

/**
 * Downloads, checks, then replaces both files (each through a rename, so a reader never sees half
 * a file). Nothing is written when any step fails.
 */
export async function refreshReferrerSpamList(options: RefreshOptions): Promise<number> {
  const list = checkSpamList(await fetchSpamList(options.from));
  const notePath = join(options.dir, 'SOURCE.md');
  const note = stampSourceNote(
    await readFile(notePath, 'utf8'),
    options.from,
    options.date,
    list.count,
  );
  await replaceFile(join(options.dir, 'spammers.txt'), list.text);
  await replaceFile(notePath, note);
  return list.count;
}

function isUrl(from: string): boolean {
  return /^https?:\/\//i.test(from);
}

/** The source folder of the list (this script runs from `dist/`, the list is edited in `src/`). */
function sourceDir(): string {
  return join(projectRoot(), 'src/tracking/referrer-spam');
}

async function main(argv: string[]): Promise<void> {
  const [argument = UPSTREAM_URL] = argv;
  // npm runs scripts from the project root; a file is named relative to where npm was run.
  const from = isUrl(argument)
    ? argument
    : resolve(process.env.INIT_CWD ?? process.cwd(), argument);
  const dir = sourceDir();
  const count = await refreshReferrerSpamList({
    from,
    dir,
    date: new Date().toISOString().slice(0, 10),
  });
  console.log(
    `Wrote ${count} referrer spam domains to ${join(dir, 'spammers.txt')}. Run \`npm run build\` and restart Trackveil to apply them.`,
  );
}

runAsScript(import.meta.url, main);
