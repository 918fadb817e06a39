/**
 * Catch-up: for each partition, claim it (concurrent pokes coalesce on one fold), read the checkpoint, fetch the
 * events after it, fold them and apply the batch atomically with the checkpoint (compare-and-set). Bounded by
 * events and wall time per invocation.
 */
import type { TaskState } from "../../shared/domain";
import type { EventLog, LogRecord } from "../../shared/event-log/port";
import { decodeRecords, foldBatch, taskIdsOf } from "../../shared/projection/fold";
import type { FoldLease } from "../../shared/projection/fold-lease";
import type { ProjectionStore } from "../../shared/projection/store";

export interface CatchUpBudget {
  /** Records per fetch and fold batch. */
  batchSize: number;
  /** Records per invocation, over all partitions. */
  maxEvents: number;
  /** Wall time per invocation in ms. */
  maxMillis: number;
}

export const DEFAULT_BUDGET: CatchUpBudget = { batchSize: 500, maxEvents: 20_000, maxMillis: 10_000 };

export interface PartitionProgress {
  partition: number;
  from: number;
  checkpoint: number;
  applied: number;
  rejected: number;
  dead: number;
  /** Batches another invocation applied first (our compare-and-set lost). */
  contended: number;
  /** Stopped after losing MAX_CONTENTION compare-and-sets in a row: another invocation is advancing it. */
  yielded: boolean;
  /** Another invocation held the partition: it was marked for that fold to read again, and not read here. */
  coalesced: boolean;
  caughtUp: boolean;
}

export interface CatchUpResult {
  /** True when every partition reached the end of the log. */
  caughtUp: boolean;
  partitions: PartitionProgress[];
}

export type Logger = (message: string, fields?: Record<string, unknown>) => void;

type Settled = { records: LogRecord[] } | { error: unknown };

/** After this many lost compare-and-sets in a row, another invocation owns the partition's progress. */
const MAX_CONTENTION = 3;

/** A partition's lease outlives the invocation's wall-time budget by this much, then passes to the next poke. */
const LEASE_MARGIN_MS = 5_000;

export interface CatchUpDeps {
  log: EventLog;
  store: ProjectionStore;
  lease: FoldLease;
  logger: Logger;
  now?: () => number;
}

/**
 * Folds `only` these partitions (default: every partition of the log), one after the other, within one budget.
 */
export async function catchUp(
  deps: CatchUpDeps,
  budget: CatchUpBudget = DEFAULT_BUDGET,
  only: readonly number[] = Array.from({ length: deps.log.partitions }, (_, p) => p),
): Promise<CatchUpResult> {
  const now = deps.now ?? Date.now;
  const deadline = now() + budget.maxMillis;
  const leaseMs = budget.maxMillis + LEASE_MARGIN_MS;
  let eventsLeft = budget.maxEvents;
  const partitions: PartitionProgress[] = [];

  for (const partition of only) {
    const token = crypto.randomUUID();
    const progress: PartitionProgress = {
      partition,
      from: 0,
      checkpoint: 0,
      applied: 0,
      rejected: 0,
      dead: 0,
      contended: 0,
      yielded: false,
      coalesced: false,
      caughtUp: false,
    };
    partitions.push(progress);
    // Budget spent: the partitions left are continued by the caller's re-pokes, not claimed here for nothing.
    if (eventsLeft <= 0 || now() >= deadline) continue;
    const claim = await deps.lease.claim(partition, token, leaseMs);
    if (!claim.claimed) {
      progress.coalesced = true;
      continue;
    }
    progress.from = claim.checkpoint;
    progress.checkpoint = claim.checkpoint;
    try {
      for (;;) {
        eventsLeft = await foldPartition(deps, progress, budget, eventsLeft, deadline);
        if (!progress.caughtUp) break;
        // Not caught up for good until the lease is let go with no poke marked since our last read.
        progress.caughtUp = false;
        if ((await deps.lease.finish(partition, token, leaseMs)) !== "more") {
          progress.caughtUp = true;
          break;
        }
      }
    } finally {
      // Caught up: `finish` already let go. Otherwise (budget spent, yielded, or failed) give the lease up, so the
      // continuation poke, the retried delivery or the next poke can claim it.
      if (!progress.caughtUp) {
        await deps.lease.drop(partition, token).catch((err: unknown) =>
          deps.logger("lease not given up; it expires by itself", {
            partition,
            error: (err as Error).message,
          }),
        );
      }
    }
  }
  return { caughtUp: partitions.every((p) => p.caughtUp), partitions };
}

/**
 * Folds one partition from `progress.checkpoint` until the log's end, the budget, or MAX_CONTENTION lost compare-and-sets
 * in a row; updates `progress` and answers the events left in the invocation's budget.
 */
async function foldPartition(
  deps: CatchUpDeps,
  progress: PartitionProgress,
  budget: CatchUpBudget,
  eventsLeftAtStart: number,
  deadline: number,
): Promise<number> {
  const now = deps.now ?? Date.now;
  const partition = progress.partition;
  let eventsLeft = eventsLeftAtStart;
  // States this invocation knows to be current: valid while our compare-and-sets keep succeeding.
  const known = new Map<string, TaskState>();
  let lostInARow = 0;
  // The next batch, read while the current one applies (the fold is a chain of round trips, so overlapping
  // the read with the script keeps both the log and Redis busy). Used only if the apply moved the checkpoint
  // to where it starts; its failure surfaces only if it is used.
  let ahead: { from: number; settled: Promise<Settled> } | undefined;
  const readFrom = (offset: number, left: number): Promise<Settled> =>
    deps.log.read(partition, offset, { limit: Math.min(budget.batchSize, left) }).then(
      (records) => ({ records }),
      (error: unknown) => ({ error }),
    );
  while (eventsLeft > 0 && now() < deadline) {
    const pending =
      ahead?.from === progress.checkpoint ? ahead.settled : readFrom(progress.checkpoint, eventsLeft);
    ahead = undefined;
    const read = await pending;
    if ("error" in read) throw read.error;
    const records = read.records;
    if (records.length === 0) {
      progress.caughtUp = true;
      break;
    }
    deps.logger("events loaded", { partition, from: progress.checkpoint, count: records.length });
    const items = decodeRecords(records, deps.log.partitions);
    const missing = taskIdsOf(items).filter((id) => !known.has(id));
    for (const [id, state] of await deps.store.states(missing)) known.set(id, state);
    const working = new Map(known);
    const batch = foldBatch(partition, progress.checkpoint, items, working);
    const applying = deps.store.applyBatch(batch);
    const leftAfter = eventsLeft - records.length;
    if (leftAfter > 0 && now() < deadline) ahead = { from: batch.to, settled: readFrom(batch.to, leftAfter) };
    const result = await applying;
    if (!result.applied) {
      // Counted by the fold script (`folds.lost` in the status), not logged: under a storm of pokes a line per
      // lost race would be most of the log.
      progress.contended++;
      lostInARow++;
      known.clear();
      progress.checkpoint = result.checkpoint;
      if (lostInARow >= MAX_CONTENTION) {
        progress.yielded = true;
        break;
      }
      continue;
    }
    lostInARow = 0;
    for (const [id, state] of working) known.set(id, state);
    eventsLeft -= records.length;
    progress.checkpoint = batch.to;
    progress.applied += batch.counts.applied;
    progress.rejected += batch.counts.rejected;
    progress.dead += batch.counts.dead;
    deps.logger("checkpoint advanced", { partition, from: batch.from, to: batch.to, ...batch.counts });
  }
  return eventsLeft;
}
