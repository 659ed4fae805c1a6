/**
 * Per-client rate limits (rate-limiter-flexible): a steady allowance of `points` requests per
 * `windowS`, and on top a burst bucket of `burst` requests per ten windows that refills slowly — a
 * token bucket in effect. In Redis when REDIS_URL is set (several hub replicas share the counts; the
 * memory limiter insures against a Redis outage), in memory otherwise.
 */
import { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitSettings {
  points: number;
  windowS: number;
  burst: number;
  redisUrl?: string;
}

export type Verdict = { ok: true; remaining: number } | { ok: false; retryAfterS: number };

export interface ClientRateLimiter {
  consume(clientKey: string): Promise<Verdict>;
  close(): Promise<void>;
}

export function createRateLimiter(s: RateLimitSettings): ClientRateLimiter {
  if (s.points === 0) return { consume: async () => ({ ok: true, remaining: Infinity }), close: async () => undefined };
  let redis: Redis | null = null;
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!redis) return memory;
    return new RateLimiterRedis({ storeClient: redis, keyPrefix: `hub:${keyPrefix}`, points, duration, insuranceLimiter: memory });
  };
  if (s.redisUrl) redis = new Redis(s.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  const steady = make('rl', s.points, s.windowS);
  const limiter = s.burst > 0 ? new BurstyRateLimiter(steady, make('rl-burst', s.burst, s.windowS * 10)) : steady;
  return {
    async consume(clientKey) {
      try {
        const r = await limiter.consume(clientKey, 1);
        return { ok: true, remaining: r.remainingPoints };
      } catch (e) {
        if (e instanceof RateLimiterRes) return { ok: false, retryAfterS: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
        throw e;
      }
    },
    async close() {
      if (redis) await redis.quit().catch(() => undefined);
    },
  };
}
