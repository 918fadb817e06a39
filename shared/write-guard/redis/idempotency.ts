/** Idempotency keys over Upstash Redis, under the base prefix (see idempotency.ts). */
import { UpstreamError } from "../../errors";
import { projectionKeys } from "../../projection/keys";
import type { RedisClient } from "../../redis/client";
import { redisScript } from "../../redis/script";
import { claimToken, encodeDone, type IdempotencyStore, parseStored, RESULT_TTL_MS } from "../idempotency";
import { CLAIM, RELEASE } from "./scripts";

/** The idempotency keys under `prefix` (the base prefix). */
export function createRedisIdempotency(client: RedisClient, prefix: string): IdempotencyStore {
  const { redis, call } = client;
  const claimScript = redisScript(redis, CLAIM);
  const release = redisScript(redis, RELEASE);
  const keyOf = projectionKeys(prefix).idempotency;
  return {
    async claim(key, claim, replacing = "") {
      const token = claimToken(claim);
      const answer = await call("claim idempotency key", () =>
        claimScript.exec([keyOf(key)], [token, String(RESULT_TTL_MS), replacing]),
      );
      if (!Array.isArray(answer) || answer.length !== 2 || typeof answer[1] !== "string") {
        throw new UpstreamError("redis", "the idempotency claim script answered an unexpected shape");
      }
      if (Number(answer[0]) === 1) return { claimed: true, token };
      return { claimed: false, stored: parseStored(answer[1]) };
    },

    async complete(key, fingerprint, result) {
      await call("complete idempotency key", () =>
        redis.set(keyOf(key), encodeDone(fingerprint, result), { px: RESULT_TTL_MS }),
      );
    },

    async abandon(key, token) {
      await call("abandon idempotency key", () => release.exec([keyOf(key)], [token]));
    },
  };
}
