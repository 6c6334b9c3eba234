import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Injectable, Logger } from '@nestjs/common';
import { projectRoot } from '../common/project-files.js';

export const TRACKER_FILES = ['tracker.js', 'tracker.min.js'] as const;
export type TrackerFile = (typeof TRACKER_FILES)[number];

export interface StaticAsset {
  body: Buffer;
  /** The same body gzip-compressed (level 9), for clients that accept it. */
  gzipped: Buffer;
  etag: string;
}

function asset(body: Buffer): StaticAsset {
  return {
    body,
    gzipped: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

/**
 * The browser tracker, as `npm run build` wrote it to `tracker/dist/`, read once at start and kept
 * in memory with its ETag; and the hand-testing page.
 */
@Injectable()
export class TrackerScriptService {
  private readonly logger = new Logger(TrackerScriptService.name);
  private readonly files = new Map<TrackerFile, StaticAsset>();
  readonly testPage: StaticAsset;

  constructor() {
    const root = projectRoot();
    for (const name of TRACKER_FILES) {
      const path = join(root, 'tracker/dist', name);
      if (existsSync(path)) this.files.set(name, asset(readFileSync(path)));
    }
    if (this.files.size < TRACKER_FILES.length) {
      this.logger.warn(
        'The tracker is not built, so /tracker.js answers 404: run `npm run build`.',
      );
    }
    this.testPage = asset(readFileSync(join(root, 'tracker/test.html')));
  }

  file(name: TrackerFile): StaticAsset | undefined {
    return this.files.get(name);
  }
}
