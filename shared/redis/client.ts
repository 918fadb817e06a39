/**
 * The Upstash Redis client as the projection and the write guards use it: raw strings (we parse JSON ourselves,
 * strictly, see codec.ts) answered as UTF-8 text rather than base64, a bounded time per request that fails rather
 * than resolving (a plain AbortSignal makes @upstash/redis resolve an aborted call as if it had succeeded; a signal
 * *factory* makes it throw), and one network retry. A retried call may be one whose answer was lost after it ran,
 * so every call that is not idempotent by nature carries its writer's own token and accepts finding it (the
 * reservation script, the idempotency claim).
 */
import { Redis } from "@upstash/redis/cloudflare";

export type { Redis };

import { TIMEOUT_LIMITS } from "../config/read";
import { UpstreamError, UpstreamTimeoutError } from "../errors";

/** The time limit of each Redis request when none is configured (`REDIS_TIMEOUT_MS`). */
export const REDIS_TIMEOUT_MS: number = TIMEOUT_LIMITS.fallback;

export interface RedisClientConfig {
  url: string;
  token: string;
  timeoutMs?: number;
}

/** The Upstash client with its time limit, and every call through it failing as an UpstreamError naming Redis. */
export interface RedisClient {
  readonly redis: Redis;
  readonly timeoutMs: number;
  /** Runs a call (`what` names it in the error), turning every failure into an UpstreamError. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

/** The Upstash client alone, for adapters that take one (the event log's). */
export function createRedisClient(config: RedisClientConfig): Redis {
  const timeoutMs = config.timeoutMs ?? REDIS_TIMEOUT_MS;
  return new Redis({
    url: config.url,
    token: config.token,
    automaticDeserialization: false,
    // Everything the projection stores is UTF-8 text (JSON, ids, counters), which the REST API answers as it is:
    // base64 would only make every answer a third larger and cost a decode per string.
    responseEncoding: false,
    enableTelemetry: false,
    retry: { retries: 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}

/** A client for `config`; pass `redis` to share one Upstash client (its auto-pipeline merges their calls). */
export function connectRedis(
  config: RedisClientConfig,
  redis: Redis = createRedisClient(config),
): RedisClient {
  const timeoutMs = config.timeoutMs ?? REDIS_TIMEOUT_MS;
  return { redis, timeoutMs, call: (what, fn) => redisCall(what, timeoutMs, fn) };
}

/** Runs a Redis call, turning every failure into an UpstreamError naming Redis. */
export async function redisCall<T>(what: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
      throw new UpstreamTimeoutError("redis", timeoutMs, { cause: err });
    }
    throw new UpstreamError("redis", `${what} failed: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** A hash read without automatic deserialization (HGETALL's flat `[field, value, ...]`), as pairs. */
export function hashPairs(raw: unknown): Array<[string, unknown]> {
  const flat: unknown[] = Array.isArray(raw) ? raw : [];
  const out: Array<[string, unknown]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}
