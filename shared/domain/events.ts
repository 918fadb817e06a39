/** Domain events as `decide` emits them: the facts, without the envelope (ids, time, version). */
/** `listId` names the list the task is on; absent (every event written before lists existed) is the default list. */
export interface TaskCreated {
  readonly type: "TaskCreated";
  readonly data: { readonly text: string; readonly listId?: string };
}

export interface TaskRenamed {
  readonly type: "TaskRenamed";
  readonly data: { readonly text: string };
}

export interface TaskCompleted {
  readonly type: "TaskCompleted";
  readonly data: Record<string, never>;
}

export interface TaskReopened {
  readonly type: "TaskReopened";
  readonly data: Record<string, never>;
}

export interface TaskDeleted {
  readonly type: "TaskDeleted";
  readonly data: Record<string, never>;
}

export type TaskEvent = TaskCreated | TaskRenamed | TaskCompleted | TaskReopened | TaskDeleted;

export type TaskEventType = TaskEvent["type"];

/** Every event type of the current schema. */
export const TASK_EVENT_TYPES: readonly TaskEventType[] = [
  "TaskCreated",
  "TaskRenamed",
  "TaskCompleted",
  "TaskReopened",
  "TaskDeleted",
];

export function isTaskEventType(value: unknown): value is TaskEventType {
  return typeof value === "string" && (TASK_EVENT_TYPES as readonly string[]).includes(value);
}
