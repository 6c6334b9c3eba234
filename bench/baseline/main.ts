import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { APP_PIPE, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createValidationPipe } from '../../src/common/validation.js';
import { TrackEventDto } from '../../src/tracking/dto/track-event.dto.js';

/**
 * The benchmark's yardstick, not part of the product: the least a NestJS/Express app can do for
 * `POST /track` (parse the same body, run the same global ValidationPipe on the same DTO) without
 * storing anything. `npm run bench:track` compares Trackveil's /track with it.
 */
@Controller()
class BaselineController {
  @Post('track')
  @HttpCode(204)
  track(@Body() _event: TrackEventDto): void {}
}

@Module({
  controllers: [BaselineController],
  providers: [
    {
      provide: APP_PIPE,
      useValue: createValidationPipe(),
    },
  ],
})
class BaselineModule {}

const app = await NestFactory.create<NestExpressApplication>(BaselineModule, {
  logger: false,
  bodyParser: false,
});
app.useBodyParser('json', { limit: 8 * 1024, type: ['application/json', 'text/plain'] });
await app.listen(Number(process.env.PORT ?? 8090), '127.0.0.1');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
