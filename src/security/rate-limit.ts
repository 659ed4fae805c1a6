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

/** A fixed allowance of `points` per `durationS` for one kind of key (client IP, username): sign-in attempts, unauthenticated requests. */
export interface KeyedLimiter {
  /** counts one against the key */
  consume(key: string): Promise<Verdict>;
  /** whether the key has already used its points, without counting (refuse before doing the work) */
  peek(key: string): Promise<Verdict>;
  /** forgets the key (a successful sign-in clears its failures) */
  reset(key: string): Promise<void>;
}

export interface KeyedLimiters {
  /** a limiter, or one that never refuses when `points` is 0 */
  limiter(keyPrefix: string, points: number, durationS: number): KeyedLimiter;
  close(): Promise<void>;
}

const unlimited: KeyedLimiter = {
  consume: async () => ({ ok: true, remaining: Infinity }),
  peek: async () => ({ ok: true, remaining: Infinity }),
  reset: async () => undefined,
};

/** Limiters sharing one Redis connection when REDIS_URL is set (replicas share the counts), in memory otherwise. */
export function createKeyedLimiters(redisUrl?: string): KeyedLimiters {
  let redis: Redis | null = null;
  return {
    limiter(keyPrefix, points, durationS) {
      if (points === 0) return unlimited;
      if (redisUrl && !redis) redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationS });
      const l: RateLimiterAbstract = redis
        ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `hub:${keyPrefix}`, points, duration: durationS, insuranceLimiter: memory })
        : memory;
      const refused = (msBeforeNext: number): Verdict => ({ ok: false, retryAfterS: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
      return {
        async consume(key) {
          try {
            const r = await l.consume(key, 1);
            return { ok: true, remaining: r.remainingPoints };
          } catch (e) {
            if (e instanceof RateLimiterRes) return refused(e.msBeforeNext);
            throw e;
          }
        },
        async peek(key) {
          const r = await l.get(key);
          if (r && r.consumedPoints >= points) return refused(r.msBeforeNext);
          return { ok: true, remaining: r ? points - r.consumedPoints : points };
        },
        async reset(key) {
          await l.delete(key);
        },
      };
    },
    async close() {
      if (redis) await (redis as Redis).quit().catch(() => undefined);
    },
  };
}
