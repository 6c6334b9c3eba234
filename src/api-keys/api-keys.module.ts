import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

/**
 * API keys: their routes, and `ApiKeysService`, which `AuthModule` uses as the `ApiKeyVerifier`
 * of Bearer requests. It imports nothing from `AuthModule` (the guard is global), so the two do
 * not depend on each other in a circle.
 */
@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeysService],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
