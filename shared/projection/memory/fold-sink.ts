/**
 * The fold sink over the in-process state, with the fold script's semantics (see APPLY_BATCH): the checkpoint
 * compare-and-set (a lost one counted), the partition count recorded by the first batch (another count stops the
 * partition and writes nothing else), the check that every state written is still at the version the batch was
 * folded from (else nothing is written), then every write at once, the lease renewed if still the folder's (or the
 * fold ended, when the batch is to end it), and the partition's stop recorded or cleared.
 */
import { versionOf } from "../../domain";
import { decodeState, encodeState } from "../codec";
import type { FoldEnd } from "../fold-lease";
import { type FoldSink, PROBLEMS_KEPT, StaleBatchError } from "../fold-sink";
import { decodeStops, encodeStop } from "../problems";
import { deleteString, expireString, getString, listIndex, type MemoryProjectionState } from "./state";

/** The fold sink of the in-process state. */
export function createMemoryFoldSink(state: MemoryProjectionState): FoldSink {
  const add = (counter: string, n: number) => {
    if (n > 0) state.counters.set(counter, (state.counters.get(counter) ?? 0) + n);
  };
  /** Records a stop, keeping its `since` when the same stop is recorded again. */
  const stop = (partition: number, offset: number, reason: string, now: Date) => {
    const current = decodeStops([[partition, state.stopped.get(partition)]]).get(partition);
    if (current?.offset === offset && current.reason === reason) return;
    state.stopped.set(partition, encodeStop({ offset, reason, since: now.toISOString() }));
  };
  return {
    async states(ids) {
      return new Map(ids.map((id) => [id, decodeState(state.states.get(id))]));
    },

    async applyBatch(batch, partitions, now = new Date(), lease) {
      const stored = state.checkpoints.get(batch.partition) ?? 0;
      if (stored !== batch.from) {
        add("lost", 1);
        return { kind: "moved", checkpoint: stored };
      }
      if (state.partitions !== undefined && state.partitions !== partitions) {
        const reason =
          `the projection was folded with ${state.partitions} partitions, but this projector's ` +
          `EVENT_LOG_PARTITIONS is ${partitions}: refusing to fold until they agree`;
        stop(batch.partition, batch.from, reason, now);
        return { kind: "mismatch", partitions: state.partitions };
      }
      for (const [id, version] of batch.expected) {
        const held = versionOf(decodeState(state.states.get(id)));
        if (held !== version) throw new StaleBatchError(batch, id, held);
      }
      state.partitions ??= partitions;
      batch.states.forEach(([id, taskState], i) => {
        state.states.set(id, batch.stateJson?.[i] ?? encodeState(taskState));
      });
      for (const [score, id] of batch.orderAdd) listIndex(state, "").set(id, score);
      for (const id of batch.orderRemove) listIndex(state, "").delete(id);
      for (const [listId, score, id] of batch.listAdd) listIndex(state, listId).set(id, score);
      for (const [listId, id] of batch.listRemove) listIndex(state, listId).delete(id);
      for (const [taskId, entry] of batch.history)
        state.history.set(taskId, [...(state.history.get(taskId) ?? []), entry]);
      for (const [listId, id] of batch.listTasks) {
        const ids = state.listTasks.get(listId) ?? new Set<string>();
        state.listTasks.set(listId, ids.add(id));
      }
      for (const listId of batch.purge) state.purged.add(listId);
      const swept = [
        ...batch.purge,
        ...batch.listAdd.map(([listId]) => listId),
        ...batch.listTasks.map(([listId]) => listId),
      ];
      for (const listId of new Set(swept)) {
        if (!state.purged.has(listId)) continue;
        // Its tasks: those in its index, and its deleted ones (in its set).
        const ids = [...(state.listTasks.get(listId) ?? []), ...(state.lists.get(listId)?.keys() ?? [])];
        for (const id of ids) {
          state.states.delete(id);
          state.history.delete(id);
        }
        state.lists.delete(listId);
        state.listTasks.delete(listId);
      }
      state.dead = [...state.dead, ...batch.deadLetters].slice(-PROBLEMS_KEPT);
      state.rejected = [...state.rejected, ...batch.rejected].slice(-PROBLEMS_KEPT);
      add("applied", batch.counts.applied);
      add("rejected", batch.counts.rejected);
      add("dead", batch.counts.dead);
      add(`dead:${batch.partition}`, batch.counts.dead);
      add("batches", 1);
      state.checkpoints.set(batch.partition, batch.to);
      const leaseKey = state.keys.foldLease(batch.partition);
      let held = lease !== undefined && lease.token !== "" && getString(state, leaseKey) === lease.token;
      let end: FoldEnd | undefined;
      if (lease?.finish) {
        if (!held) end = "lost";
        else if (deleteString(state, state.keys.foldMore(batch.partition))) end = "more";
        else {
          deleteString(state, leaseKey);
          held = false;
          end = "done";
        }
      }
      if (held && lease) expireString(state, leaseKey, lease.ttlMs);
      if (batch.stop) stop(batch.partition, batch.stop.offset, batch.stop.reason, now);
      else state.stopped.delete(batch.partition);
      return { kind: "applied", checkpoint: batch.to, ...(end && { end }) };
    },

    async stops() {
      return decodeStops(state.stopped);
    },
  };
}
