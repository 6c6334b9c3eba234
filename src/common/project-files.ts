import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
