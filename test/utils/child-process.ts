import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every variable Trackveil reads (see `Environment`), so a child starts from a clean slate. */
const TRACKVEIL_VARIABLES = [
  'PORT',
  'HOST',
  'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  'PUBLIC_URL',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'DATABASE_CONNECT_TIMEOUT_MS',
  'INGEST_TIMEOUT_MS',
  'HEALTH_TIMEOUT_MS',
  'EMBEDDED_POSTGRES_DIR',
  'EMBEDDED_POSTGRES_PORT',
  'TRUST_PROXY',
  'SESSION_TIMEOUT_MINUTES',
  'RATE_LIMIT_WINDOW_SECONDS',
  'RATE_LIMIT_MAX_REQUESTS',
  'REDIS_URL',
  'SITE_CACHE_TTL_SECONDS',
  'EVENT_ID_RETENTION_DAYS',
  'RETENTION_INTERVAL_HOURS',
  'STATS_ROLLUP_INTERVAL_SECONDS',
  'STATS_RAW_MAX_PAGEVIEWS',
  'INGEST_MAX_BATCH_SIZE',
  'INGEST_MAX_CONCURRENT_BATCHES',
  'INGEST_MIN_CONCURRENT_BATCH_SIZE',
  'INGEST_MAX_QUEUE',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'CREATE_DEMO_SITE',
  'SERVE_TEST_PAGE',
  'SHUTDOWN_TIMEOUT_MS',
  'METRICS_TOKEN',
  'METRICS_PORT',
  'AUTH_RATE_LIMIT_WINDOW_MINUTES',
  'AUTH_MAX_ATTEMPTS_PER_EMAIL',
  'AUTH_MAX_ATTEMPTS_PER_ADDRESS',
];

/** This process's environment without any Trackveil setting, plus `overrides`. */
export function cleanEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of TRACKVEIL_VARIABLES) delete env[name];
  return { ...env, ...overrides };
}

/** Fails with a message saying what to run when the compiled app is missing. */
export function requireBuilt(script: string): void {
  if (!existsSync(join(REPO_ROOT, script))) {
    throw new Error(`${script} does not exist; run \`npm run build\` before this test.`);
  }
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A child Node process whose output is collected as it runs. */
export class NodeProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** Settles when the process has exited, however that happened. */
  readonly finished: Promise<Finished>;
  private exited = false;
  /** How the process ended, once it has: "code 0", "signal SIGKILL". */
  exitDescription = 'running';

  /** Runs `node <script> <args>` in the repository, `script` being relative to it. */
  constructor(script: string, args: string[], env: NodeJS.ProcessEnv) {
    requireBuilt(script);
    this.child = spawn(process.execPath, [script, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.finished = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.exited = true;
        this.exitDescription = signal ? `signal ${signal}` : `code ${code}`;
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  get running(): boolean {
    return !this.exited;
  }

  /** The outcome once the process has exited; throws (and kills it) after `timeoutMs`. */
  async exit(timeoutMs: number): Promise<Finished> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(
          new Error(
            `The process did not exit within ${timeoutMs} ms.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `signal` and waits for the exit. */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<Finished> {
    this.child.kill(signal);
    return this.exit(timeoutMs);
  }
}

/** Runs `node <script> <args>` to completion. */
export function runNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<Finished> {
  return new NodeProcess(script, args, env).exit(timeoutMs);
}
