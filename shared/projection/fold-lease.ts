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
