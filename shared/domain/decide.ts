import type {
  CompleteTask,
  CreateTask,
  DeleteTask,
  RenameTask,
  ReopenTask,
  TaskCommand,
  UpdateTask,
} from "./commands";
import { DomainError } from "./errors";
import type { TaskEvent } from "./events";
import type { Task, TaskState } from "./task-state";
import { unreachable } from "./unreachable";
import {
  validateDone,
  validateExpectedVersion,
  validateListId,
  validateTaskId,
  validateText,
} from "./validation";

/** What `decide` answers: the events to append (possibly none), or why the command is refused. */
export type DecideResult =
  | { readonly ok: true; readonly events: readonly TaskEvent[] }
  | { readonly ok: false; readonly error: DomainError };

function accept(events: readonly TaskEvent[]): DecideResult {
  return { ok: true, events };
}

function refuse(error: DomainError): DecideResult {
  return { ok: false, error };
}

/** The live task, or NOT_FOUND for an id that was never created or has been deleted. */
function activeTask(taskId: string, state: TaskState): Task | DomainError {
  switch (state.status) {
    case "active":
      return state.task;
    case "absent":
      return new DomainError("NOT_FOUND", `task ${taskId} does not exist`, "taskId");
    case "deleted":
      return new DomainError("NOT_FOUND", `task ${taskId} has been deleted`, "taskId");
    default:
      return unreachable(state, "task state");
  }
}

function versionConflict(task: Task, expected: number | null | undefined): DomainError | undefined {
  if (expected === undefined || expected === null || expected === task.version) return undefined;
  return new DomainError(
    "CONFLICT",
    `task ${task.id} is at version ${task.version}, not the expected version ${expected}`,
    "expectedVersion",
  );
}

function createTask({ data }: CreateTask, state: TaskState): DecideResult {
  const invalid = validateTaskId(data.taskId) ?? validateText(data.text) ?? validateListId(data.listId);
  if (invalid) return refuse(invalid);
  if (state.status !== "absent") {
    return refuse(new DomainError("CONFLICT", `task ${data.taskId} already exists`, "taskId"));
  }
  // No listId at all for the default list, so such an event is exactly what was written before lists existed.
  const listed = data.listId ? { listId: data.listId } : {};
  return accept([{ type: "TaskCreated", data: { text: data.text, ...listed } }]);
}

function updateTask({ data }: UpdateTask, state: TaskState): DecideResult {
  const invalid =
    validateTaskId(data.taskId) ??
    validateText(data.text) ??
    validateDone(data.done) ??
    validateExpectedVersion(data.expectedVersion);
  if (invalid) return refuse(invalid);
  const task = activeTask(data.taskId, state);
  if (task instanceof DomainError) return refuse(task);
  const conflict = versionConflict(task, data.expectedVersion);
  if (conflict) return refuse(conflict);
  // Only what changed, rename first: an update that changes nothing appends nothing.
  const events: TaskEvent[] = [];
  if (data.text !== task.text) events.push({ type: "TaskRenamed", data: { text: data.text } });
  if (data.done !== task.done) events.push({ type: data.done ? "TaskCompleted" : "TaskReopened", data: {} });
  return accept(events);
}

/**
 * The live task a command that names one field (or none) may change, or the first reason it may not: its id, the
 * `field`'s check, its expected version (BAD_USER_INPUT), then existence (NOT_FOUND), then version (CONFLICT).
 */
function changeable(
  data: { readonly taskId: string; readonly expectedVersion?: number | null },
  state: TaskState,
  field?: () => DomainError | undefined,
): Task | DomainError {
  const invalid = validateTaskId(data.taskId) ?? field?.() ?? validateExpectedVersion(data.expectedVersion);
  if (invalid) return invalid;
  const task = activeTask(data.taskId, state);
  if (task instanceof DomainError) return task;
  return versionConflict(task, data.expectedVersion) ?? task;
}

// Each intent emits only the one event that makes its field what the user asked for, and nothing when it already is.
function renameTask({ data }: RenameTask, state: TaskState): DecideResult {
  const task = changeable(data, state, () => validateText(data.text));
  if (task instanceof DomainError) return refuse(task);
  return accept(data.text === task.text ? [] : [{ type: "TaskRenamed", data: { text: data.text } }]);
}

function completeTask({ data }: CompleteTask, state: TaskState): DecideResult {
  const task = changeable(data, state);
  if (task instanceof DomainError) return refuse(task);
  return accept(task.done ? [] : [{ type: "TaskCompleted", data: {} }]);
}

function reopenTask({ data }: ReopenTask, state: TaskState): DecideResult {
  const task = changeable(data, state);
  if (task instanceof DomainError) return refuse(task);
  return accept(task.done ? [{ type: "TaskReopened", data: {} }] : []);
}

function deleteTask({ data }: DeleteTask, state: TaskState): DecideResult {
  const task = changeable(data, state);
  if (task instanceof DomainError) return refuse(task);
  return accept([{ type: "TaskDeleted", data: {} }]);
}

/**
 * Decides a command against the state of its task (`state` must be the state of `command.data.taskId`,
 * `initialState()` when there is none). Pure. Checks run in this order: input validation
 * (BAD_USER_INPUT), existence (NOT_FOUND), expected version (CONFLICT); the first failure is returned.
 */
export function decide(command: TaskCommand, state: TaskState): DecideResult {
  switch (command.type) {
    case "CreateTask":
      return createTask(command, state);
    case "UpdateTask":
      return updateTask(command, state);
    case "RenameTask":
      return renameTask(command, state);
    case "CompleteTask":
      return completeTask(command, state);
    case "ReopenTask":
      return reopenTask(command, state);
    case "DeleteTask":
      return deleteTask(command, state);
    default:
      return unreachable(command, "command");
  }
}
