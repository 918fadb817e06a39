/**
 * The read model: what the command worker's queries and both workers' status read from one namespace of the
 * projection. Every answer is decoded (codec.ts, problems.ts), never raw stored text.
 */
import type { Task, TaskState } from "../domain";
import type { decodeCounters, HistoryEntry } from "./codec";
import type { DeadLetter, PartitionStop, RejectedEvent } from "./problems";

export interface TaskPage {
  tasks: Task[];
  total: number;
  /** Next offset to fold, per partition that has a checkpoint. */
  checkpoints: Map<number, number>;
}

/** A place in a list's creation order, after which a page starts: the score and id of the task before it. */
export interface ListCursor {
  score: number;
  id: string;
}

/** A page of a list read by cursor: its active tasks, the cursor of the next page (none at the end), checkpoints. */
export interface CursorPage {
  tasks: Task[];
  next?: ListCursor;
  checkpoints: Map<number, number>;
}

/** The projection's counters: events applied, rejected, dead-lettered (per partition too), and fold batches. */
export type ProjectionCounters = ReturnType<typeof decodeCounters>;

/** The newest dead letters and rejected events, oldest first. */
export interface Problems {
  dead: DeadLetter[];
  rejected: RejectedEvent[];
}

export interface ReadModel {
  /**
   * Active tasks of a list in creation order (`limit` of them from `offset`), the list's total, and the
   * checkpoints, read together. No `listId`: the default list.
   */
  list(offset: number, limit: number, listId?: string): Promise<TaskPage>;
  /** How many active tasks a named list holds (0 for a list no task was created on). */
  listSize(listId: string): Promise<number>;
  /**
   * Up to `limit` tasks of a list in creation order, from just after `after` (from the start without it), the
   * next page's cursor and the checkpoints, read together. A cursor is a place, not an index: tasks deleted before
   * it do not shift the page, and a deleted task's cursor still works.
   */
  listAfter(limit: number, listId?: string, after?: ListCursor): Promise<CursorPage>;
  task(taskId: string): Promise<TaskState>;
  /** A task's applied events in order, its audit trail; `range` picks `limit` of them from `offset`. */
  history(taskId: string, range?: { offset: number; limit: number }): Promise<HistoryEntry[]>;
  checkpoints(): Promise<Map<number, number>>;
  checkpoint(partition: number): Promise<number>;
  counters(): Promise<ProjectionCounters>;
  /** The newest `count` dead letters and rejected events. */
  problems(count: number): Promise<Problems>;
  /** The partitions that are stopped, with where and why. */
  stops(): Promise<Map<number, PartitionStop>>;
}
