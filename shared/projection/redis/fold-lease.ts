/** The fold lease over Upstash Redis: claiming and ending a fold are one script each. */
import { UpstreamError } from "../../errors";
import type { RedisClient } from "../../redis/client";
import { toInt } from "../codec";
import type { FoldClaim, FoldLease } from "../fold-lease";
import { projectionKeys } from "../keys";

/** The claim itself, as a Lua function of the lease, mark and checkpoint keys. ARGV: token, ttl ms, partition. */
const CLAIM = `
local function claim(lease, more, checkpoint)
  if redis.call('SET', lease, ARGV[1], 'NX', 'PX', ARGV[2]) then
    return {1, redis.call('HGET', checkpoint, ARGV[3]) or '0'}
  end
  redis.call('SET', more, '1', 'PX', ARGV[2])
  return {0}
end
`;

/**
 * Claims the lease and reads the partition's checkpoint, or marks more work for the lease's holder.
 * KEYS: lease, more, checkpoint. ARGV: token, ttl ms, partition.
 * Returns {1, checkpoint} when claimed, {0} when another fold holds it (the mark is set).
 */
const CLAIM_FOLD = `${CLAIM}
return claim(KEYS[1], KEYS[2], KEYS[3])
`;

/**
 * CLAIM_FOLD in the namespace the caller guesses is live, checked in the same step: the live pointer and the retired
 * namespaces are read first and answered whatever comes next, and the claim is made only if the pointer names the
 * guess (a missing pointer names the base prefix). Nothing is written otherwise.
 * KEYS: pointer, retired, lease, more, checkpoint (the last three of the guess). ARGV: token, ttl ms, partition,
 * guess, base prefix. Returns {pointer, retired} when the guess is not live, else those and CLAIM_FOLD's answer.
 */
export const CLAIM_LIVE_FOLD = `${CLAIM}
local pointer = redis.call('GET', KEYS[1]) or ''
local live = pointer
if live == '' then live = ARGV[5] end
local retired = redis.call('HGETALL', KEYS[2])
if live ~= ARGV[4] then return {pointer, retired} end
local claimed = claim(KEYS[3], KEYS[4], KEYS[5])
return {pointer, retired, claimed[1], claimed[2]}
`;

/**
 * Ends a fold. `finish` after catching up: if a poke marked more work, the mark is taken, the lease renewed and 1
 * returned (read again); else the lease is dropped and 0 returned. `drop` gives the lease up whatever the mark says
 * (budget spent or a failure: the caller re-pokes or is retried). -1 when the lease is no longer the caller's.
 * KEYS: lease, more. ARGV: token, ttl ms, mode.
 */
const END_FOLD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if ARGV[3] == 'finish' and redis.call('DEL', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
redis.call('DEL', KEYS[1])
return 0
`;

/** A claim script's answer: claimed (1) with the checkpoint, or marked for the holder (0). */
export function foldClaimOf(code: unknown, checkpoint: unknown): FoldClaim {
  if (code !== 0 && code !== 1)
    throw new UpstreamError("redis", "claim-fold script answered an unexpected shape");
  return code === 1 ? { claimed: true, checkpoint: toInt(checkpoint) } : { claimed: false };
}

/** The fold leases of the namespace `prefix`. */
export function createRedisFoldLease(client: RedisClient, prefix: string): FoldLease {
  const { redis, call } = client;
  const keys = projectionKeys(prefix);
  const claimScript = redis.createScript<unknown>(CLAIM_FOLD);
  const endScript = redis.createScript<unknown>(END_FOLD);
  const end = async (partition: number, token: string, ttlMs: number, mode: "finish" | "drop") => {
    const answer = await call("end fold", () =>
      endScript.exec([keys.foldLease(partition), keys.foldMore(partition)], [token, String(ttlMs), mode]),
    );
    const code = Number(answer);
    if (code !== 1 && code !== 0 && code !== -1)
      throw new UpstreamError("redis", "end-fold script answered an unexpected value");
    return code;
  };
  return {
    async claim(partition, token, ttlMs) {
      const answer = await call("claim fold", () =>
        claimScript.exec(
          [keys.foldLease(partition), keys.foldMore(partition), keys.checkpoint],
          [token, String(ttlMs), String(partition)],
        ),
      );
      if (!Array.isArray(answer))
        throw new UpstreamError("redis", "claim-fold script answered an unexpected shape");
      return foldClaimOf(answer[0], answer[1]);
    },
    async finish(partition, token, ttlMs) {
      const code = await end(partition, token, ttlMs, "finish");
      return code === 1 ? "more" : code === 0 ? "done" : "lost";
    },
    async drop(partition, token) {
      await end(partition, token, 0, "drop");
    },
  };
}
