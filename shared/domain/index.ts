/**
 * The task domain: pure, no I/O, no clock, no randomness (time and ids arrive with the command).
 *
 * Write side: `decide(command, state)` → events or a DomainError; then
 * `makeEnvelopes(command, events, { eventIds, baseVersion: versionOf(state) })` → envelopes to append,
 * each stored as `encodeEvent(envelope)` under the key `envelope.taskId`.
 * Read side: `decodeEvent(recordValue)` → envelope or a poison-event reason; then
 * `applyEvent(state, envelope)` → next state, or the unchanged state and why the event did not apply.
 */
export type {
  CommandMetadata,
  CompleteTask,
  CreateTask,
  DeleteTask,
  RenameTask,
  ReopenTask,
  TaskCommand,
  UpdateTask,
} from "./commands";
export type { DecideResult } from "./decide";
export { decide } from "./decide";
export type { DecodeResult, RecordDecodeResult } from "./decode";
export { decodeEvent, decodeRecord } from "./decode";
export { encodeEvent } from "./encode";
export type { EventEnvelope, EventMetadata } from "./envelope";
export { CURRENT_SCHEMA_VERSION } from "./envelope";
export type { DomainErrorCode } from "./errors";
export { DomainError } from "./errors";
export type {
  TaskCompleted,
  TaskCreated,
  TaskDeleted,
  TaskEvent,
  TaskEventType,
  TaskRenamed,
  TaskReopened,
} from "./events";
export { isTaskEventType, TASK_EVENT_TYPES } from "./events";
export type { ApplyResult } from "./evolve";
export { applyEvent, evolve } from "./evolve";
export { isListId, isTaskId, isUuid } from "./ids";
export { isJsonRecord, type JsonRecord } from "./json";
export type { ListCreated, ListEnvelope, ListEvent, ListEventType } from "./list-events";
export { encodeListEvent, isListEventType, LIST_EVENT_TYPES } from "./list-events";
export type { EnvelopeContext } from "./make-envelopes";
export { makeEnvelopes } from "./make-envelopes";
export {
  isSealed,
  isSealedPayload,
  MAX_SEALED_CHARS,
  ownPayload,
  parseSealed,
  SEALED_MARK,
  sealedRef,
} from "./sealed";
export type { Task, TaskState } from "./task-state";
export { initialState, listOf, taskIdOf, versionOf } from "./task-state";
export { isIsoTimestamp } from "./timestamps";
export type { Upcaster } from "./upcasters";
export { OLDEST_SCHEMA_VERSION, UPCASTERS } from "./upcasters";
export { MAX_TEXT_CODE_POINTS, validateListId, validateText } from "./validation";
