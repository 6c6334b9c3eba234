import { Module } from '@nestjs/common';
import { ReferrerSources } from './referrer-sources.js';

@Module({
  // Read once at start; a missing or malformed data file stops the start.
  providers: [{ provide: ReferrerSources, useFactory: () => ReferrerSources.fromFiles() }],
  exports: [ReferrerSources],
})
export class ReferrerSourcesModule {}
