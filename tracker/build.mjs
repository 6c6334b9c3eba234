// Builds the browser tracker into tracker/dist: tracker.js (the readable source, as is) and
// tracker.min.js, and prints the gzip -9 size of the minified file. Run by `npm run build`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { minify } from 'terser';

const here = dirname(fileURLToPath(import.meta.url));
const source = await readFile(join(here, 'src/tracker.js'), 'utf8');

// The tracker must parse in old browsers too: esbuild refuses anything newer than ES5. Its
// output (comments gone) also minifies a little smaller than the source.
const checked = (await transform(source, { target: 'es5', loader: 'js' })).code;

const { code } = await minify(checked, {
  ecma: 5,
  compress: { passes: 3 },
  mangle: { toplevel: true },
});
if (!code) throw new Error('terser produced no output');

await mkdir(join(here, 'dist'), { recursive: true });
await writeFile(join(here, 'dist/tracker.js'), source);
await writeFile(join(here, 'dist/tracker.min.js'), code);
const gzipped = gzipSync(code, { level: 9 }).length;
console.log(`tracker.min.js: ${code.length} bytes, ${gzipped} bytes gzip -9`);
