import type {
  CommandMetadata,
  CompleteTask,
  CreateTask,
  DeleteTask,
  EventEnvelope,
  RenameTask,
  ReopenTask,
  TaskEvent,
  UpdateTask,
} from "../../shared/domain";
import { CURRENT_SCHEMA_VERSION, encodeListEvent } from "../../shared/domain";
import type { LogRecord } from "../../shared/event-log/port";

/** Deterministic lowercase UUIDs, distinct per `n` (and per `prefix`, for readable tests). */
export function uuid(n: number, prefix = "00000000"): string {
  return `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

export const TASK_ID = uuid(1, "7a5c0f3e");
export const OTHER_TASK_ID = uuid(2, "7a5c0f3e");
export const NOW = "2025-03-01T10:00:00.000Z";

/** A time `minutes` after NOW, so histories have distinct, increasing timestamps. */
export function minutesAfterNow(minutes: number): string {
  return new Date(Date.parse(NOW) + minutes * 60_000).toISOString();
}

/** The log record of a ListPurged of `listId` at `offset` of `partition` (0 by default). */
export function purgedRecord(listId: string, offset: number, partition = 0): LogRecord {
  const value = encodeListEvent({
    eventId: uuid(9000 + offset),
    type: "ListPurged",
    schemaVersion: 1,
    listId,
    version: 2,
    occurredAt: "2026-01-01T00:00:00.000Z",
    data: {},
    metadata: {},
  });
  return { partition, offset, key: listId, timestamp: offset, value };
}

export const METADATA: CommandMetadata = { now: NOW, requestId: "req-1", idempotencyKey: "key-1" };

export function createTask(taskId: string, text: string): CreateTask {
  return { type: "CreateTask", data: { taskId, text }, metadata: METADATA };
}

export function updateTask(
  taskId: string,
  text: string,
  done: boolean,
  expectedVersion?: number | null,
): UpdateTask {
  return { type: "UpdateTask", data: { taskId, text, done, expectedVersion }, metadata: METADATA };
}

export function deleteTask(taskId: string, expectedVersion?: number | null): DeleteTask {
  return { type: "DeleteTask", data: { taskId, expectedVersion }, metadata: METADATA };
}

export function renameTask(taskId: string, text: string, expectedVersion?: number | null): RenameTask {
  return { type: "RenameTask", data: { taskId, text, expectedVersion }, metadata: METADATA };
}

export function completeTask(taskId: string, expectedVersion?: number | null): CompleteTask {
  return { type: "CompleteTask", data: { taskId, expectedVersion }, metadata: METADATA };
}

export function reopenTask(taskId: string, expectedVersion?: number | null): ReopenTask {
  return { type: "ReopenTask", data: { taskId, expectedVersion }, metadata: METADATA };
}

export const created = (text: string): TaskEvent => ({ type: "TaskCreated", data: { text } });
export const renamed = (text: string): TaskEvent => ({ type: "TaskRenamed", data: { text } });
export const completed: TaskEvent = { type: "TaskCompleted", data: {} };
export const reopened: TaskEvent = { type: "TaskReopened", data: {} };
export const deleted: TaskEvent = { type: "TaskDeleted", data: {} };

/** An envelope around `event` with the given position; the rest defaults to plausible values. */
export function envelope(
  event: TaskEvent,
  at: { version: number; taskId?: string; occurredAt?: string; eventId?: string },
): EventEnvelope {
  return {
    ...event,
    eventId: at.eventId ?? uuid(1000 + at.version),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    taskId: at.taskId ?? TASK_ID,
    version: at.version,
    occurredAt: at.occurredAt ?? minutesAfterNow(at.version),
    metadata: {},
  };
}
