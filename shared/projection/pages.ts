/** A page of a list by cursor, cut the same way from what either read model holds. */
import { decodeState } from "./codec";
import type { CursorPage, ListCursor } from "./read-model";

/** A list entry: a task id and its place in creation order. */
export interface ListEntry {
  id: string;
  score: number;
}

/**
 * The page of `limit` entries just after `after` among `entries` (in creation order; some may come before the
 * cursor, as the tasks sharing its score do): its active tasks, and the cursor of its last entry when more follow.
 * Ids are compared as a sorted set orders a tie (byte order, which is code-unit order for the ASCII of task ids).
 */
export function cursorPage(
  entries: readonly ListEntry[],
  limit: number,
  after: ListCursor | undefined,
  stateOf: (id: string) => unknown,
  checkpoints: Map<number, number>,
): CursorPage {
  const following = after
    ? entries.filter((e) => e.score > after.score || (e.score === after.score && e.id > after.id))
    : entries;
  const taken = following.slice(0, limit);
  const tasks = taken.flatMap(({ id }) => {
    const state = decodeState(stateOf(id));
    return state.status === "active" ? [state.task] : [];
  });
  const last = taken[taken.length - 1];
  return {
    tasks,
    checkpoints,
    ...(following.length > limit && last && { next: { score: last.score, id: last.id } }),
  };
}
