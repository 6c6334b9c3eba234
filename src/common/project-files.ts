import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let root: string | undefined;

/**
 * The project's root: the nearest folder above this file that holds package.json. The same from
 * `src/` (tests, scripts) and from `dist/src/` (the built server).
 */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Trackveil project root (package.json).');
    dir = parent;
  }
  root = dir;
  return root;
}

/**
 * A data file shipped beside the compiled code (`npm run build` copies it into `dist/`), as text;
 * a missing one stops the start with a message saying what `what` is and how to get it back.
 */
export function readShippedFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the ${what} ${path} (${(error as Error).message}). Run \`npm run build\`, which copies it beside the compiled code.`,
      { cause: error },
    );
  }
}

const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * The body of `url`, for the commands that refresh a shipped data file; fails with a sentence
 * naming `what` and, when the network is the trouble, `offline`: how to do without it.
 */
export async function downloadDataFile(
  url: string,
  what: string,
  offline: string,
): Promise<Buffer> {
  let response: Response;
  let body: ArrayBuffer;
  try {
    // The timeout covers the body too: a stalled transfer fails like an unreachable host.
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    body = await response.arrayBuffer();
  } catch (error) {
    const cause = ((error as Error).cause ?? error) as Error & { code?: string };
    throw new Error(
      `Could not download ${what} from ${url} (${cause.message || cause.code || String(cause)}). Check the network, or ${offline}.`,
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new Error(
      `Could not download ${what} from ${url}: HTTP ${response.status}. Check the address in SOURCE.md.`,
    );
  }
  return Buffer.from(body);
}

/** Writes `text` to `path` through a rename, so that a reader never sees half a file. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/**
 * Runs `main` with the command's arguments when the module `moduleUrl` is the script node was
 * started with (not when a test imports it); a failure prints its message and exits 1.
 */
export function runAsScript(moduleUrl: string, main: (argv: string[]) => Promise<void>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}

/**
 * The compiled worker script `src/<path>.js`: in the build (`dist/src/<path>.js`) whether the
 * caller runs from the build or from the TypeScript sources (the tests run `npm run build`
 * first); null when there is none (then the work runs on the main thread).
 */
export function builtWorkerScript(path: string): string | null {
  const script = join(projectRoot(), 'dist', 'src', `${path}.js`);
  return existsSync(script) ? script : null;
}
