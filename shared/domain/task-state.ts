import { unreachable } from "./unreachable";

/** A live task: what the read side shows and what the decider validates against. */
export interface Task {
  readonly id: string;
  readonly text: string;
  readonly done: boolean;
  /** ISO time of the task's `TaskCreated` event. */
  readonly createdAt: string;
  /** ISO time of the latest event applied to the task. */
  readonly updatedAt: string;
  /** Number of events applied to the task, i.e. the version after its last applied event (1 once created). */
  readonly version: number;
  /** The list the task was created on; absent for the default list. */
  readonly listId?: string;
}

/**
 * The state of one task id. `absent` is a task that was never created (version 0); a deleted task keeps
 * its id and version so that later events for it are recognised as stale, and it can never come back.
 */
export type TaskState =
  | { readonly status: "absent" }
  | { readonly status: "active"; readonly task: Task }
  | {
      readonly status: "deleted";
      readonly id: string;
      readonly version: number;
      readonly deletedAt: string;
      /** The list the task was on (absent for the default list, and in states stored before deletes kept it). */
      readonly listId?: string;
    };

/** The list a task is or was on: undefined for the default list (and for an absent task). */
export function listOf(state: TaskState): string | undefined {
  if (state.status === "active") return state.task.listId;
  if (state.status === "deleted") return state.listId;
  return undefined;
}

/** The state of every task id before its first event. */
export function initialState(): TaskState {
  return { status: "absent" };
}

/** The id and version a state carries: none while the task is absent, its last ones once deleted. */
function identityOf(state: TaskState): { readonly id: string; readonly version: number } | undefined {
  switch (state.status) {
    case "absent":
      return undefined;
    case "active":
      return state.task;
    case "deleted":
      return state;
    default:
      return unreachable(state, "task state");
  }
}

/** The version of a state: 0 when absent, otherwise the number of events applied to the task. */
export function versionOf(state: TaskState): number {
  return identityOf(state)?.version ?? 0;
}

/** The task id a state belongs to, or undefined while it is absent. */
export function taskIdOf(state: TaskState): string | undefined {
  return identityOf(state)?.id;
}
