/**
 * A partition's batch folded inside the database (shared/projection/fold-in-place.ts), for the partition's fold
 * (partition.ts): one call, read as the worker's own batches are read.
 */
import type { InPlaceFold } from "../../../shared/projection/fold-in-place";
import { SUBREQUESTS } from "./budget";
import { type Contention, MAX_CONTENTION } from "./contention";
import type { Held, Left } from "./held";

/** What one call of the fold inside the database leaves the partition's fold to do. */
export type Step = "next" | "handoff" | { left: Left };

/**
 * One batch folded inside the database, from the checkpoint: its outcome read as the worker's own batches' are
 * (contention, a partition-count mismatch, the end of the fold), or the record the worker's fold must take.
 */
export async function inPlaceStep(held: Held, inPlace: InPlaceFold, contention: Contention): Promise<Step> {
  const { deps, budget, run, progress, now, token } = held;
  const { partition } = progress;
  // Subrequests spent: stop with the reserve intact, as before a read.
  if (!run.meter.affords(run.afterRead)) return { left: "held" };
  run.meter.spend(SUBREQUESTS.apply);
  const from = progress.checkpoint;
  const outcome = await inPlace.fold({
    partition,
    from,
    limit: Math.min(budget.batchSize, run.eventsLeft),
    partitions: deps.log.partitions,
    now: new Date(now()),
    lease: { token, ttlMs: run.leaseMs },
    lists: deps.applied !== undefined,
  });
  switch (outcome.kind) {
    case "handoff":
      return "handoff";
    case "mismatch":
      run.meter.spend(SUBREQUESTS.stops);
      progress.stopped = (await deps.store.stops()).get(partition) ?? {
        offset: from,
        reason: `the projection was folded with ${outcome.partitions} partitions, not ${deps.log.partitions}`,
        since: new Date(now()).toISOString(),
      };
      deps.logger.error("partition stopped", { partition, ...progress.stopped });
      return { left: "held" };
    case "moved":
      progress.contended++;
      contention.lostInARow++;
      progress.checkpoint = outcome.checkpoint;
      if (contention.lostInARow >= MAX_CONTENTION) {
        progress.yielded = true;
        return { left: "held" };
      }
      return "next";
    case "applied": {
      contention.lostInARow = 0;
      const consumed = outcome.checkpoint - from;
      if (deps.applied && outcome.applied > 0) {
        const lists = outcome.lists;
        deps.applied({
          partition,
          to: outcome.checkpoint,
          taskIds: lists ? Object.values(lists).flat() : [],
          states: new Map(),
          ...(lists && { lists }),
        });
      }
      run.eventsLeft -= consumed;
      progress.checkpoint = outcome.checkpoint;
      progress.applied += outcome.applied;
      if (consumed > 0)
        deps.logger.info("checkpoint advanced", {
          partition,
          from,
          to: outcome.checkpoint,
          applied: outcome.applied,
          inPlace: true,
        });
      if (outcome.end === "more") return "next";
      if (outcome.end === "lost") return { left: "lost" };
      if (outcome.end === "done") {
        progress.caughtUp = true;
        return { left: "done" };
      }
      return outcome.handoff ? "handoff" : "next";
    }
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}
