import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { REPO_ROOT, requireBuilt } from './child-process.js';

/** Whether util-linux `script` is here to give a child a pseudo-terminal. */
export function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Terminal output as plain text: no colours, no carriage returns. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');
}

/**
 * `node <script>` with its stdout (and stderr) on a pseudo-terminal, through `script`, as when a
 * person runs `npm start` at a terminal.
 */
export class TerminalProcess {
  readonly child: ChildProcess;
  output = '';
  readonly finished: Promise<void>;

  constructor(script: string, env: NodeJS.ProcessEnv) {
    requireBuilt(script);
    this.child = spawn('script', ['-qec', `exec "${process.execPath}" ${script}`, '/dev/null'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.finished = new Promise((resolve) => this.child.once('close', () => resolve()));
  }

  /**
   * Stops the node process itself with SIGTERM (`script` would kill it outright) and waits for
   * both to exit, killing them after `timeoutMs`.
   */
  async stop(timeoutMs: number): Promise<void> {
    const pid = this.child.pid!;
    let node: number | undefined;
    try {
      node = Number(execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim());
    } catch {
      // `script` has no child any more.
    }
    if (node) process.kill(node, 'SIGTERM');
    else this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (node) {
          try {
            process.kill(node, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        this.child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.finished, timeout]);
    clearTimeout(timer);
  }
}
