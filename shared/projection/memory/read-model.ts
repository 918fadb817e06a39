/** The read model over the in-process state (see state.ts). */
import { decodeCounters, decodeHistoryEntry, decodeState } from "../codec";
import { decodeProblems, decodeStops } from "../problems";
import type { ReadModel } from "../read-model";
import { type MemoryProjectionState, ordered } from "./state";

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
    async task(taskId) {
      return decodeState(state.states.get(taskId));
    },
    async history(taskId) {
      return (state.history.get(taskId) ?? []).map(decodeHistoryEntry);
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
