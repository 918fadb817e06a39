/** How long a fold lease lives, from the time limits of the calls made under it. */
import { TIMEOUT_LIMITS } from "../../../shared/config/read";

/**
 * How long a partition's lease lives without its holder touching it, and a poke's "more work" mark with it. The
 * holder touches the lease when it claims it, with each batch it applies (the apply script renews it) and when it
 * ends the fold; between two touches it waits on at most one log read and three Redis calls (the answer of the
 * script that touched it, the batch's states, the next script), each cut off at its client's time limit. So a
 * holder that is only waiting on a slow call keeps its lease, and a mark left after its last read began is still
 * there when it ends the fold. A holder that died leaves the partition to the next poke or cron after this long.
 * Rarer calls (the log-identity check of an isolate's first read, a script sent again after NOSCRIPT) may still
 * outlast it; then a second fold may run beside this one (the checkpoint compare-and-set keeps the projection
 * right), and ending this one finds the lease lost, which claims the partition again rather than stopping.
 */
export function foldLeaseMs(limits: { logTimeoutMs: number; redisTimeoutMs: number }): number {
  return limits.logTimeoutMs + 3 * limits.redisTimeoutMs;
}

/** The lease under the default time limits of the log and Redis (5 s each). */
export const LEASE_MS = foldLeaseMs({
  logTimeoutMs: TIMEOUT_LIMITS.fallback,
  redisTimeoutMs: TIMEOUT_LIMITS.fallback,
});
