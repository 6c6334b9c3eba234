// `npm run start:dev` (after `npm run build`): recompiles on every change (`tsc --watch`) and
// restarts the server when its compiled files change (`node --watch`). It needs no Nest CLI,
// whose dependencies declare Node 22 and would warn on `npm install` under Node 20.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const compiler = spawn(
  process.execPath,
  [tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'],
  { stdio: 'inherit' },
);
// In a process group of its own, so that Ctrl+C reaches the server once, through `node --watch`
// below: a second signal would cut its shutdown short and leave the embedded PostgreSQL running.
const server = spawn(process.execPath, ['--watch', '--watch-preserve-output', 'dist/src/main.js'], {
  stdio: 'inherit',
  detached: true,
});

const children = [compiler, server];
const running = (child) => child.exitCode === null && child.signalCode === null;
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (running(child)) child.kill('SIGTERM');
}

let exitCode = 0;
for (const child of children) {
  child.once('exit', (code) => {
    exitCode ||= code ?? 0;
    // When one stops, stop the other: the server must not outlive the compiler, nor the reverse.
    stop();
    if (!children.some(running)) process.exit(exitCode);
  });
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
