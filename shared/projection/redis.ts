/**
 * The Upstash Redis client as the projection uses it: raw strings (we parse JSON ourselves, strictly) answered
 * as UTF-8 text rather than base64, a bounded time per request that fails rather than resolving (a plain AbortSignal makes @upstash/redis
 * resolve an aborted call as if it had succeeded; a signal *factory* makes it throw), and one network retry.
 * A retried call may be one whose answer was lost after it ran, so every call that is not idempotent by nature
 * carries its writer's own token and accepts finding it (the reservation script, the idempotency claim).
 */
import { Redis } from "@upstash/redis/cloudflare";

export type { Redis };

import { UpstreamError, UpstreamTimeoutError } from "../errors";

export interface RedisClientConfig {
  url: string;
  token: string;
  timeoutMs?: number;
}

export function createRedisClient(config: RedisClientConfig): Redis {
  const timeoutMs = config.timeoutMs ?? 5000;
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
