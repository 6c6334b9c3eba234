import { Module } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { rateLimitStorageProviders } from '../tracking/shared-rate-limit-storage.js';

/**
 * The one rate-limit hit storage of the app (`ThrottlerStorage`): Redis when `REDIS_URL` is set,
 * memory otherwise. One module, imported by every module that limits (`/track`, sign-in), so
 * there is one Redis connection and one registration of its error counter.
 */
@Module({
  providers: [...rateLimitStorageProviders],
  exports: [ThrottlerStorage],
})
export class RateLimitModule {}
