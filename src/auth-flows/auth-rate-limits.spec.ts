import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { Counter } from 'prom-client';
import { redisAvailable, TEST_REDIS_URL } from '../../test/utils/redis.js';
import type { authConfig } from '../config/auth.config.js';
import { SharedRateLimitStorage } from '../tracking/shared-rate-limit-storage.js';
import { AuthRateLimits, TOO_MANY_SIGN_INS } from './auth-rate-limits.js';

const redisUp = await redisAvailable();

const config = {
  rateLimit: { windowMs: 60_000, perEmail: 3, perAddress: 100 },
} as unknown as ConfigType<typeof authConfig>;

function fakeResponse(): Response & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return {
    headers,
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
  } as unknown as Response & { headers: Record<string, string> };
}

const request = (ip: string) => ({ ip }) as Request;

/** Sign-in attempts until the first 429: how many went through. */
async function attemptsUntilRefused(limits: AuthRateLimits[], email: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const res = fakeResponse();
    try {
      await limits[attempt % limits.length].signIn(request(`198.51.100.${attempt}`), res, email);
    } catch (error) {
      expect(error).toBeInstanceOf(ThrottlerException);
      expect((error as Error).message).toBe(TOO_MANY_SIGN_INS);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      return attempt;
    }
  }
  return Infinity;
}

describe('AuthRateLimits with the shared (Redis) storage', () => {
  const storages: SharedRateLimitStorage[] = [];
  const limiters: AuthRateLimits[] = [];
  const counter = () => new Counter({ name: 'unchecked_total', help: 'test', registers: [] });

  const replica = async (url: string) => {
    const storage = new SharedRateLimitStorage(url, counter());
    storages.push(storage);
    await storage.onModuleInit();
    const limits = new AuthRateLimits(storage, config);
    limiters.push(limits);
    return limits;
  };

  beforeAll(() => {
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    for (const limits of limiters) limits.onApplicationShutdown();
    await Promise.all(storages.map((storage) => storage.onApplicationShutdown()));
    vi.restoreAllMocks();
  });

  it('should still limit sign-in per e-mail address, in this replica, when Redis does not answer', async () => {
    const limits = await replica('redis://127.0.0.1:1');
    expect(await attemptsUntilRefused([limits], `${randomUUID()}@example.com`)).toBe(3);
  });

  it.runIf(redisUp)(
    'should count the attempts of every replica together while Redis answers',
    async () => {
      const replicas = [await replica(TEST_REDIS_URL), await replica(TEST_REDIS_URL)];
      expect(await attemptsUntilRefused(replicas, `${randomUUID()}@example.com`)).toBe(3);
    },
  );
});
