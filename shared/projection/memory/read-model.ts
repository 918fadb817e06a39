/** The read model over the in-process state (see state.ts). */
import { decodeCounters, decodeHistoryEntry, decodeState } from "../codec";
import { cursorPage } from "../pages";
import { decodeProblems, decodeStops } from "../problems";
import type { ReadModel } from "../read-model";
import { type MemoryProjectionState, ordered, orderedEntries } from "./state";

/** The read model of the in-process state: what a fold sink over the same state applied, decoded. */
export function createMemoryReadModel(state: MemoryProjectionState): ReadModel {
  return {
    async list(offset, limit, listId) {
      const index = state.lists.get(listId ?? "");
      const tasks = ordered(index)
        .slice(offset, offset + limit)
        .flatMap((id) => {
          const task = decodeState(state.states.get(id));
          return task.status === "active" ? [task.task] : [];
        });
      return { tasks, total: index?.size ?? 0, checkpoints: new Map(state.checkpoints) };
    },
    async listSize(listId) {
      return state.lists.get(listId)?.size ?? 0;
    },
    async listAfter(limit, listId, after) {
      const entries = orderedEntries(state.lists.get(listId ?? ""));
      return cursorPage(entries, limit, after, (id) => state.states.get(id), new Map(state.checkpoints));
    },
    async task(taskId) {
      return decodeState(state.states.get(taskId));
    },
    async history(taskId, range) {
      const entries = state.history.get(taskId) ?? [];
      const shown = range ? entries.slice(range.offset, range.offset + range.limit) : entries;
      return shown.map(decodeHistoryEntry);
    },
    async checkpoints() {
      return new Map(state.checkpoints);
    },
    async checkpoint(partition) {
      return state.checkpoints.get(partition) ?? 0;
    },
    async counters() {
      return decodeCounters(state.counters);
    },
    async problems(count) {
      return decodeProblems(state.dead.slice(-count), state.rejected.slice(-count));
    },
    async stops() {
      return decodeStops(state.stopped);
    },
  };
}
