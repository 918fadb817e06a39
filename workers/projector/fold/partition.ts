/**
 * The fold of one claimed partition: read from its checkpoint, fold, apply with the compare-and-set, until the log's
 * end, the budget, a stop or contention (see catch-up.ts for the claim and the lease around it).
 */
import type { TaskState } from "../../../shared/domain";
import { LogGapError } from "../../../shared/event-log/contiguous";
import type { LogRecord } from "../../../shared/event-log/port";
import { bounded } from "../../../shared/http/log";
import { createdIn, decodeRecords, foldBatch, statesOf, taskIdsOf } from "../../../shared/projection/fold";
import { StaleBatchError } from "../../../shared/projection/fold-sink";
import { SUBREQUESTS } from "./budget";
import { MAX_CONTENTION } from "./contention";
import type { Held, Left } from "./held";
import { inPlaceStep } from "./in-place";
import { forgetSwept } from "./known-states";

/** A read's records; at a gap in the log, none, and the gap (which stops the partition there). */
type Settled = { records: LogRecord[]; gap?: string } | { error: unknown };

/**
 * Folds a claimed partition from `progress.checkpoint` until the log's end, the budget, a stop or contention.
 * A batch read short of its limit (the log's end, as far as that read saw) asks its apply to end the fold too,
 * in the same script: the lease is let go there unless a poke marked more work, one round trip instead of a read
 * more and a finish. A log whose short reads tell the end needs nothing more, nor does a short read that reached
 * the record the poke was sent for; otherwise (Kafka's fetches may stop at a byte limit) the read made ahead must
 * come back empty, or the partition is claimed again. With the fold inside the database (`deps.inPlace`), each batch
 * is one call of it (in-place.ts), and only a record it hands over is read and folded here, one batch at a time.
 */
export async function foldPartition(held: Held): Promise<Left> {
  const { deps, budget, run, progress, now, token } = held;
  // Cleared once a poke marked more work: what the holder then reads for was announced to nobody here.
  let announced = held.announced;
  const { partition } = progress;
  // States this invocation knows to be current: valid while our compare-and-sets keep succeeding.
  const known = new Map<string, TaskState>();
  // Tasks created in a batch are taken as new, their states unread, until a batch so folded is refused.
  let trustCreations = true;
  // The next batch, read while the current one applies (the fold is a chain of round trips, so overlapping
  // the read with the script keeps both the log and Redis busy). Used only if the apply moved the checkpoint
  // to where it starts; its failure surfaces only if it is used.
  let ahead: { from: number; limit: number; settled: Promise<Settled> } | undefined;
  const readFrom = (offset: number, limit: number): Promise<Settled> =>
    deps.log.read(partition, offset, { limit }).then(
      (records) => ({ records }),
      // A gap: what comes before it is folded, and the partition stops at its first missing offset.
      (error: unknown) =>
        error instanceof LogGapError ? { records: [...error.before], gap: error.message } : { error },
    );
  // The checkpoint at which the fold inside the database handed a record over: one batch is folded here from it.
  let handedAt: number | undefined;
  const contention = { lostInARow: 0, staleInARow: 0 };
  while (run.eventsLeft > 0 && now() < run.deadline) {
    if (deps.inPlace && handedAt !== progress.checkpoint) {
      const step = await inPlaceStep(held, deps.inPlace, contention);
      if (step === "next") continue;
      if (step !== "handoff") return step.left;
      handedAt = progress.checkpoint;
      // The states it wrote are not this fold's to know: they are read again.
      known.clear();
      continue;
    }
    const prefetched = ahead?.from === progress.checkpoint ? ahead : undefined;
    ahead = undefined;
    // Subrequests spent: stop with the reserve intact (the lease's end and the re-poke that continues).
    if (!run.meter.affords((prefetched ? 0 : SUBREQUESTS.read) + run.afterRead)) return "held";
    if (!prefetched) run.meter.spend(SUBREQUESTS.read);
    const limit = prefetched?.limit ?? Math.min(budget.batchSize, run.eventsLeft);
    const read = await (prefetched?.settled ?? readFrom(progress.checkpoint, limit));
    if ("error" in read) throw read.error;
    const records = read.records;
    if (records.length === 0 && read.gap === undefined) {
      progress.caughtUp = true;
      return "held";
    }
    if (records.length > 0)
      deps.logger.info("events loaded", { partition, from: progress.checkpoint, count: records.length });
    const items = decodeRecords(records, deps.log.partitions);
    const taskIds = taskIdsOf(items);
    const created = trustCreations ? createdIn(items) : new Set<string>();
    const missing = taskIds.filter((id) => !known.has(id) && !created.has(id));
    if (missing.length > 0) {
      run.meter.spend(SUBREQUESTS.states);
      for (const [id, state] of await deps.store.states(missing)) known.set(id, state);
    }
    // Only the batch's states: copying all those known for each batch made a long catch-up quadratic.
    const working = statesOf(taskIds, known);
    const batch = foldBatch(partition, progress.checkpoint, items, working, budget.batchBytes);
    // Skipping a gap would fold a task's later events without the missing ones: the partition stops before it, once
    // the batch took every record before it (one cut short by its bytes reads from where it ended, and meets the gap
    // again; one that stopped at a record of its own keeps that stop).
    if (
      read.gap !== undefined &&
      batch.stop === undefined &&
      batch.to === progress.checkpoint + records.length
    )
      batch.stop = { offset: batch.to, reason: bounded(read.gap) };
    // The read came back short and the batch took all of it: the log's end, as far as this read saw.
    const last = records[records.length - 1];
    const finish =
      batch.stop === undefined &&
      records.length < limit &&
      last !== undefined &&
      batch.to === last.offset + 1;
    const endsHere =
      finish && (deps.log.shortReadsEnd === true || (announced !== undefined && batch.to > announced));
    run.meter.spend(SUBREQUESTS.apply);
    const applying = deps.store.applyBatch(batch, deps.log.partitions, new Date(now()), {
      token,
      ttlMs: run.leaseMs,
      ...(finish && { finish }),
    });
    const consumed = batch.to - batch.from;
    const leftAfter = run.eventsLeft - consumed;
    // Nothing is read ahead for a batch the fold inside the database takes next.
    if (
      deps.inPlace === undefined &&
      batch.stop === undefined &&
      !endsHere &&
      leftAfter > 0 &&
      now() < run.deadline &&
      run.meter.affords(SUBREQUESTS.read + run.afterRead)
    ) {
      run.meter.spend(SUBREQUESTS.read);
      const next = Math.min(budget.batchSize, leftAfter);
      ahead = { from: batch.to, limit: next, settled: readFrom(batch.to, next) };
    }
    const result = await applying.catch((err: unknown): "stale" => {
      if (!(err instanceof StaleBatchError)) throw err;
      // A task taken as new was folded before (its creation stored twice): fold the batch again over its state.
      if (created.has(err.taskId) && !known.has(err.taskId)) {
        trustCreations = false;
        return "stale";
      }
      // A state this fold knew was changed since by another fold (a purge of its list, folded from another
      // partition, swept it): fold the batch again over the states as stored, a few times at most.
      if (known.has(err.taskId) && contention.staleInARow < MAX_CONTENTION) {
        contention.staleInARow++;
        known.clear();
        return "stale";
      }
      throw err;
    });
    if (result === "stale") continue;
    contention.staleInARow = 0;
    if (result.kind === "mismatch") {
      run.meter.spend(SUBREQUESTS.stops);
      progress.stopped = (await deps.store.stops()).get(partition) ?? {
        offset: progress.checkpoint,
        reason: `the projection was folded with ${result.partitions} partitions, not ${deps.log.partitions}`,
        since: new Date(now()).toISOString(),
      };
      deps.logger.error("partition stopped", { partition, ...progress.stopped });
      return "held";
    }
    if (result.kind === "moved") {
      // Counted by the fold script (`folds.lost` in the status), not logged: under a storm of pokes a line per
      // lost race would be most of the log.
      progress.contended++;
      contention.lostInARow++;
      known.clear();
      progress.checkpoint = result.checkpoint;
      if (contention.lostInARow >= MAX_CONTENTION) {
        progress.yielded = true;
        return "held";
      }
      continue;
    }
    contention.lostInARow = 0;
    for (const [id, state] of working) known.set(id, state);
    forgetSwept(known, working, batch);
    if (deps.applied && batch.counts.applied > 0)
      deps.applied({ partition, to: batch.to, taskIds, states: working });
    run.eventsLeft -= consumed;
    progress.checkpoint = batch.to;
    progress.applied += batch.counts.applied;
    progress.rejected += batch.counts.rejected;
    progress.dead += batch.counts.dead;
    if (consumed > 0)
      deps.logger.info("checkpoint advanced", { partition, from: batch.from, to: batch.to, ...batch.counts });
    if (result.end === "more") {
      // A poke marked more work, perhaps for a record the read made ahead was sent too early to see: read anew.
      ahead = undefined;
      announced = undefined;
      continue;
    }
    if (result.end === "lost") return "lost";
    if (result.end === "done") {
      const after = ahead === undefined ? undefined : await ahead.settled;
      if (
        after === undefined ||
        ("records" in after && after.records.length === 0 && after.gap === undefined)
      ) {
        progress.caughtUp = true;
        return "done";
      }
      // More was stored after all (a fetch stopped short at its byte limit, or records appended since): the lease
      // was let go, so the partition is claimed again before it is read on.
      return "lost";
    }
    if (batch.stop) {
      run.meter.spend(SUBREQUESTS.stops);
      const stops = await deps.store.stops();
      progress.stopped = stops.get(partition) ?? { ...batch.stop, since: new Date(now()).toISOString() };
      deps.logger.error("partition stopped", { partition, ...progress.stopped });
      return "held";
    }
  }
  return "held";
}
