/**
 * Idempotency keys: a client-supplied key makes a retried mutation return the original result instead of
 * appending twice. A key is claimed atomically (SET NX) before the append, completed with the result after it,
 * and abandoned when the append was refused. A claim whose append timed out stays "pending" until it expires:
 * the write may have committed, so a retry inside that window is refused rather than risk a duplicate.
 */
import { UpstreamError } from "../errors";
import { projectionKeys } from "./keys";
import { createRedisClient, type Redis, redisCall } from "./redis";
import { RELEASE } from "./scripts";

export interface IdempotencyConfig {
  url: string;
  token: string;
  prefix: string;
  timeoutMs?: number;
}

/** How long a claim may stay pending (the append's time limit plus a margin). */
export const PENDING_TTL_MS = 60_000;
/** How long a completed result is remembered. */
export const RESULT_TTL_MS = 24 * 60 * 60 * 1000;

export type Claim =
  | { status: "claimed"; token: string }
  | { status: "pending" }
  | { status: "done"; fingerprint: string; result: unknown }
  | { status: "mismatch" };

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

export function createIdempotencyStore(config: IdempotencyConfig, redis: Redis = createRedisClient(config)) {
  const timeoutMs = config.timeoutMs ?? 5000;
  const release = redis.createScript<unknown>(RELEASE);
  const keyOf = projectionKeys(config.prefix).idempotency;

  return {
    /** Claims `key` for a request with this fingerprint, or reports what an earlier request with it left. */
    async claim(key: string, fingerprint: string, nonce: string): Promise<Claim> {
      const pending = JSON.stringify({ state: "pending", fingerprint, nonce });
      const set = await redisCall("claim idempotency key", timeoutMs, () =>
        redis.set(keyOf(key), pending, { nx: true, px: PENDING_TTL_MS }),
      );
      if (set === "OK") return { status: "claimed", token: pending };
      const raw = await redisCall("read idempotency key", timeoutMs, () => redis.get<string>(keyOf(key)));
      // Expired between the two calls: treat as in progress; the client's retry will claim it.
      if (raw === null || raw === undefined) return { status: "pending" };
      let stored: { state?: unknown; fingerprint?: unknown; result?: unknown };
      try {
        stored = JSON.parse(String(raw));
      } catch {
        throw new UpstreamError("redis", "an idempotency record is not JSON");
      }
      if (stored.fingerprint !== fingerprint) return { status: "mismatch" };
      if (stored.state === "done") return { status: "done", fingerprint, result: stored.result };
      return { status: "pending" };
    },

    async complete(key: string, fingerprint: string, result: unknown): Promise<void> {
      const value = JSON.stringify({ state: "done", fingerprint, result });
      await redisCall("complete idempotency key", timeoutMs, () =>
        redis.set(keyOf(key), value, { px: RESULT_TTL_MS }),
      );
    },

    /** Frees a claim after a definite failure, if it is still the caller's. */
    async abandon(key: string, token: string): Promise<void> {
      await redisCall("abandon idempotency key", timeoutMs, () => release.exec([keyOf(key)], [token]));
    },
  };
}
