import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from '../src/database/embedded-database.js';

export interface BenchDatabase {
  url: string;
  /** The embedded server's data directory; unset when `DATABASE_URL` is used. */
  dataDir?: string;
  stop(): Promise<void>;
}

/** The server in `DATABASE_URL`, or else a throw-away embedded PostgreSQL on `port`. */
export async function openBenchDatabase(port: number): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) return { url, stop: async () => {} };
  const dataRoot = await mkdtemp(join(tmpdir(), 'trackveil-bench-'));
  await chmod(dataRoot, 0o755); // PostgreSQL runs as the `postgres` user when we are root
  const dataDir = join(dataRoot, 'postgres');
  const embedded = await EmbeddedDatabase.start({ dataDir, port });
  return {
    url: embedded.url,
    dataDir,
    stop: async () => {
      await embedded.stop();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}
