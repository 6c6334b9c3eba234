/**
 * `npm run build && node dist/bench/access-guard.bench.js`: what `AccessGuard` costs a public route
 * such as `POST /track`, per call, in-process: the guard alone, the uncached metadata lookup it
 * avoids, and the whole step Nest adds to a request once a global guard exists (an execution
 * context and two awaits).
 */
import 'reflect-metadata';
import { Controller, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GuardsConsumer } from '@nestjs/core/guards/guards-consumer.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { AccessGuard } from '../src/auth/access.guard.js';
import type { Authenticator } from '../src/auth/authenticator.js';
import type { ResourceAccessService } from '../src/auth/resource-access.service.js';
import { ACCESS_RULE, Public } from '../src/auth/access-rules.js';

const CALLS = 1_000_000;
const ROUNDS = 5;

@Controller()
class TrackLikeController {
  @Post('track')
  @Public()
  track(): void {}
}

/** The route handler, as Nest's router holds it. */
const track = Reflect.get<object, 'track'>(TrackLikeController.prototype, 'track') as () => void;
const reflector = new Reflector();
// A public route never asks who calls, nor where; neither is reached here.
const guard = new AccessGuard(reflector, {} as Authenticator, {} as ResourceAccessService);
const consumer = new GuardsConsumer();
const instance = new TrackLikeController();
const args = [{}, {}, () => undefined];
const context = new ExecutionContextHost(args, TrackLikeController, track);
context.setType('http');

async function nanosecondsPerCall(run: () => unknown): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    for (let call = 0; call < CALLS; call += 1) {
      const result = run();
      if (result instanceof Promise) await result;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / CALLS);
  }
  return best;
}

const figures = {
  'guard.canActivate, public route (cached rule)': await nanosecondsPerCall(() =>
    guard.canActivate(context),
  ),
  'Reflector.getAllAndOverride alone (no cache)': await nanosecondsPerCall(() =>
    reflector.getAllAndOverride(ACCESS_RULE, [track, TrackLikeController]),
  ),
  // As Nest's router runs it for every request once a global guard exists; with none, it skips
  // the step, so this whole figure is what the guard adds to a `/track` request.
  "Nest's guard step per request, AccessGuard included": await nanosecondsPerCall(async () => {
    const allowed = await consumer.tryActivate([guard], args, instance, track, 'http');
    if (!allowed) throw new Error('AccessGuard refused a public route.');
  }),
};
for (const [what, ns] of Object.entries(figures)) {
  process.stdout.write(`${what.padEnd(56)} ${ns.toFixed(0).padStart(6)} ns per call\n`);
}
