import { Module } from '@nestjs/common';
import { TrackerScriptController } from './tracker-script.controller.js';
import { TrackerScriptService } from './tracker-script.service.js';

@Module({
  controllers: [TrackerScriptController],
  providers: [TrackerScriptService],
})
export class TrackerScriptModule {}
