/** The states a partition's fold keeps between its batches (partition.ts), and when it must let them go. */
import { listOf, type TaskState } from "../../../shared/domain";
import type { FoldBatch } from "../../../shared/projection/fold";

/**
 * Forgets the states the sink may have swept with the batch: every task of a list it purged, and the batch's own
 * tasks on a named list it gave a task to or deleted one of (the sink sweeps those if the list was purged before).
 * They are read again when next needed, as the projection holds them.
 */
export function forgetSwept(
  known: Map<string, TaskState>,
  working: ReadonlyMap<string, TaskState>,
  batch: FoldBatch,
): void {
  if (batch.purge.length > 0)
    for (const [id, state] of known) {
      const listId = listOf(state);
      if (listId !== undefined && batch.purge.includes(listId)) known.delete(id);
    }
  if (batch.listAdd.length === 0 && batch.listTasks.length === 0) return;
  const touched = new Set([
    ...batch.listAdd.map(([listId]) => listId),
    ...batch.listTasks.map(([listId]) => listId),
  ]);
  for (const [id, state] of working) {
    const listId = listOf(state);
    if (listId !== undefined && touched.has(listId)) known.delete(id);
  }
}
