/**
 * Catch-up: for each partition, claim it (concurrent pokes coalesce on one fold) with its checkpoint, fetch the
 * events after it, fold them and apply the batch atomically with the checkpoint (compare-and-set). Bounded by
 * events, bytes, wall time and subrequests per invocation (see budget.ts).
 * Partitions are independent: one that fails or is stopped is reported and the others are still folded, and the
 * first partition changes from one invocation to the next so that none waits behind another's backlog.
 */
import { ConfigError, UpstreamError } from "../../../shared/errors";
import { bounded } from "../../../shared/http/log";
import { BATCH_AFTER_READ, type CatchUpBudget, DEFAULT_BUDGET, SUBREQUESTS, subrequestMeter } from "./budget";
import type { CatchUpDeps, Held, Run } from "./held";
import { LEASE_MS } from "./lease-time";
import { foldPartition } from "./partition";
import { type CatchUpResult, notStarted, type PartitionProgress } from "./progress";

export type { AppliedBatch, CatchUpDeps } from "./held";
export { foldLeaseMs, LEASE_MS } from "./lease-time";
export { type CatchUpBudget, DEFAULT_BUDGET };

/**
 * Folds `only` these partitions (default: every partition of the log), one after the other, within one budget.
 */
export async function catchUp(
  deps: CatchUpDeps,
  budget: CatchUpBudget = DEFAULT_BUDGET,
  only: readonly number[] = Array.from({ length: deps.log.partitions }, (_, p) => p),
): Promise<CatchUpResult> {
  const now = deps.now ?? Date.now;
  const start = deps.start ?? Math.floor(Math.random() * only.length);
  const run: Run = {
    deadline: now() + budget.maxMillis,
    eventsLeft: budget.maxEvents,
    leaseMs: deps.leaseMs ?? LEASE_MS,
    meter: deps.meter ?? subrequestMeter(budget.maxSubrequests),
    afterRead: BATCH_AFTER_READ + (deps.applied ? SUBREQUESTS.notice : 0),
  };
  const partitions: PartitionProgress[] = [];
  for (let i = 0; i < only.length; i++) {
    const partition = only[(start + i) % only.length] ?? 0;
    const progress = notStarted(partition);
    partitions.push(progress);
    // Budget spent: the partitions left are continued by the caller's re-pokes, not claimed here for nothing. A
    // partition claimed already is folded as far as the budget goes, and its lease given up if that is nowhere.
    const claimedAlready = deps.claimed?.partition === partition;
    if (!claimedAlready && (run.eventsLeft <= 0 || now() >= run.deadline)) continue;
    if (!claimedAlready && !run.meter.affords(SUBREQUESTS.claim + SUBREQUESTS.read + run.afterRead)) continue;
    try {
      await foldClaimed(deps, budget, run, progress, now);
    } catch (err) {
      // Misconfiguration (a log other than the projection's, say) is no partition's failure: it stops the run.
      if (err instanceof ConfigError) throw err;
      progress.failed = {
        ...(err instanceof UpstreamError && { service: err.service }),
        error: bounded(err instanceof Error ? err.message : String(err)),
      };
      deps.logger.error("partition fold failed", {
        partition,
        checkpoint: progress.checkpoint,
        ...progress.failed,
      });
    }
  }
  partitions.sort((a, b) => a.partition - b.partition);
  return { caughtUp: partitions.every((p) => p.caughtUp), partitions };
}

/**
 * Claims the partition and folds it; once caught up, lets it go only if no poke marked more work since the last
 * read (otherwise reads again). Gives the lease up when it stops short (budget, contention, a stop or a failure).
 * A lease that ran out under a slow call is claimed again: a poke may have marked the partition while it was held,
 * and with the lease gone nobody else would read that mark. The new claim either holds the partition (and reads
 * on) or finds it held by a fold that will see the mark this claim leaves.
 */
async function foldClaimed(
  deps: CatchUpDeps,
  budget: CatchUpBudget,
  run: Run,
  progress: PartitionProgress,
  now: () => number,
): Promise<void> {
  for (let first = true; ; first = false) {
    if (!first) {
      // Not caught up: the caller re-pokes the partition, which claims it again in an invocation of its own.
      if (run.eventsLeft <= 0 || now() >= run.deadline) return;
      if (!run.meter.affords(SUBREQUESTS.claim + SUBREQUESTS.read + run.afterRead)) return;
    }
    const made = first && deps.claimed?.partition === progress.partition ? deps.claimed : undefined;
    const token = made?.token ?? crypto.randomUUID();
    if (!made) run.meter.spend(SUBREQUESTS.claim);
    const claim = made?.claim ?? (await deps.lease.claim(progress.partition, token, run.leaseMs));
    if (!claim.claimed) {
      progress.coalesced = true;
      return;
    }
    if (first) progress.from = claim.checkpoint;
    progress.checkpoint = claim.checkpoint;
    // Only the first claim folds for the poke's record: one claimed again may have lost a mark with its lease.
    const announced =
      first && deps.announced?.partition === progress.partition ? deps.announced.offset : undefined;
    const held: Held = {
      deps,
      budget,
      run,
      progress,
      now,
      token,
      ...(announced !== undefined && { announced }),
    };
    if ((await foldHeld(held)) !== "lost") return;
  }
}

/** Folds the partition under the lease `token` until it lets the lease go, gives it up, or finds it lost. */
async function foldHeld(held: Held): Promise<"ended" | "lost"> {
  const { deps, run, progress, token } = held;
  const { partition } = progress;
  let ours = true;
  try {
    for (;;) {
      const left = await foldPartition(held);
      if (left !== "held") {
        ours = false;
        return left === "done" ? "ended" : "lost";
      }
      if (!progress.caughtUp) return "ended";
      // Not caught up for good until the lease is let go with no poke marked since our last read.
      progress.caughtUp = false;
      run.meter.spend(SUBREQUESTS.end);
      const end = await deps.lease.finish(partition, token, run.leaseMs);
      if (end === "done") {
        progress.caughtUp = true;
        return "ended";
      }
      if (end === "lost") {
        ours = false;
        return "lost";
      }
    }
  } finally {
    if (ours && !progress.caughtUp) {
      run.meter.spend(SUBREQUESTS.end);
      await deps.lease.drop(partition, token).catch((err: unknown) =>
        deps.logger.error("lease not given up; it expires by itself", {
          partition,
          error: bounded((err as Error).message),
        }),
      );
    }
  }
}
