// Prints the size of what a browser downloads to start the dashboard (the JavaScript and CSS that
// dist/dashboard/index.html loads, with their module preloads), gzip -9, and fails above the budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 200 * 1024;
const root = join(import.meta.dirname, '..', 'dist', 'dashboard');
const html = readFileSync(join(root, 'index.html'), 'utf8');
const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
  (match) => match[1],
);

let total = 0;
const lines = [...new Set(assets)].map((asset) => {
  const bytes = readFileSync(join(root, asset));
  const gzip = gzipSync(bytes, { level: 9 }).length;
  total += gzip;
  return `  ${asset.padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  ${(gzip / 1024).toFixed(1).padStart(6)} KB gzip`;
});
console.log(`Dashboard, initial download:\n${lines.join('\n')}`);
console.log(`  total ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`);
if (total > BUDGET_BYTES) {
  console.error('The dashboard is over its size budget.');
  process.exit(1);
}
