import { Module } from '@nestjs/common';
import { ReferrerSources } from './referrer-sources.js';
import { SourceBackfill } from './source-backfill.js';

@Module({
  // Read once at start; a missing or malformed data file stops the start.
  providers: [
    { provide: ReferrerSources, useFactory: () => ReferrerSources.fromFiles() },
    SourceBackfill,
  ],
  exports: [ReferrerSources, SourceBackfill],
})
export class ReferrerSourcesModule {}
