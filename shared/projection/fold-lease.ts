/**
 * Coalescing pokes per partition: at most one invocation folds a partition at a time. A fold first claims the
 * partition's lease; a poke that finds it held leaves a "more work" mark and is done in one round trip. When the
 * holder has caught up it ends its lease atomically with a look at the mark: if a poke came since its last read,
 * it keeps the lease and reads again, so no poke is lost between its last read and its release.
 *
 * The lease is an optimisation, not the fence: a holder that stalls past its lease and a newcomer may both fold,
 * and the checkpoint compare-and-set keeps the projection right. A holder that dies leaves its lease to expire
 * (the poke that finds it held is answered at once, so the scheduled catch-up heals it within a cron period).
 */
import { UpstreamError } from "../errors";
import { toInt } from "./codec";
import { projectionKeys } from "./keys";
import { createRedisClient, type Redis, redisCall } from "./redis";

export interface FoldLeaseConfig {
  url: string;
  token: string;
  prefix: string;
  timeoutMs?: number;
}

/**
 * Claims the lease and reads the partition's checkpoint, or marks more work for the lease's holder.
 * KEYS: lease, more, checkpoint. ARGV: token, ttl ms, partition.
 * Returns {1, checkpoint} when claimed, {0} when another fold holds it (the mark is set).
 */
const CLAIM_FOLD = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('HGET', KEYS[3], ARGV[3]) or '0'}
end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return {0}
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

/** What ending a fold found: read again (a poke came), done, or the lease had passed to another fold. */
export type FoldEnd = "more" | "done" | "lost";

/** A claim that holds the partition comes with its checkpoint (read in the same step). */
export type FoldClaim = { claimed: true; checkpoint: number } | { claimed: false };

export interface FoldLease {
  /** Holds the partition for this fold, or (held by another, which will see the mark) answers `claimed: false`. */
  claim(partition: number, token: string, ttlMs: number): Promise<FoldClaim>;
  /** Ends a fold that caught up: `more` means a poke came since its last read and the lease is still its own. */
  finish(partition: number, token: string, ttlMs: number): Promise<FoldEnd>;
  /** Gives the lease up (budget spent, or a failure). */
  drop(partition: number, token: string): Promise<void>;
}

export function createFoldLease(
  config: FoldLeaseConfig,
  redis: Redis = createRedisClient(config),
): FoldLease {
  const timeoutMs = config.timeoutMs ?? 5000;
  const keys = projectionKeys(config.prefix);
  const claimScript = redis.createScript<unknown>(CLAIM_FOLD);
  const endScript = redis.createScript<unknown>(END_FOLD);
  const end = async (partition: number, token: string, ttlMs: number, mode: "finish" | "drop") => {
    const answer = await redisCall("end fold", timeoutMs, () =>
      endScript.exec([keys.foldLease(partition), keys.foldMore(partition)], [token, String(ttlMs), mode]),
    );
    const code = Number(answer);
    if (code !== 1 && code !== 0 && code !== -1)
      throw new UpstreamError("redis", "end-fold script answered an unexpected value");
    return code;
  };
  return {
    async claim(partition, token, ttlMs) {
      const answer = await redisCall("claim fold", timeoutMs, () =>
        claimScript.exec(
          [keys.foldLease(partition), keys.foldMore(partition), keys.checkpoint],
          [token, String(ttlMs), String(partition)],
        ),
      );
      if (!Array.isArray(answer) || (answer[0] !== 0 && answer[0] !== 1))
        throw new UpstreamError("redis", "claim-fold script answered an unexpected shape");
      return answer[0] === 1 ? { claimed: true, checkpoint: toInt(answer[1]) } : { claimed: false };
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
