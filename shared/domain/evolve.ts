import type { EventEnvelope } from "./envelope";
import type { TaskCreated } from "./events";
import type { TaskState } from "./task-state";
import { taskIdOf, versionOf } from "./task-state";

/**
 * The outcome of folding one event. An event that does not apply leaves the state exactly as it was and
 * says why, so the projector can count and show it instead of corrupting the projection.
 */
export type ApplyResult =
  | { readonly state: TaskState; readonly applied: true }
  | { readonly state: TaskState; readonly applied: false; readonly reason: string };

type ChangeEnvelope = Exclude<EventEnvelope, EventEnvelope<TaskCreated>>;

function skip(state: TaskState, event: EventEnvelope, why: string): ApplyResult {
  return {
    state,
    applied: false,
    reason: `${event.type} ${event.eventId} (version ${event.version}): ${why}`,
  };
}

/** Applies `next` only if the event is the task's next version. */
function inTurn(state: TaskState, event: EventEnvelope, next: () => TaskState): ApplyResult {
  const current = versionOf(state);
  if (event.version !== current + 1) return skip(state, event, `does not follow task version ${current}`);
  return { state: next(), applied: true };
}

function created(event: EventEnvelope<TaskCreated>): TaskState {
  const { taskId: id, occurredAt, version } = event;
  const listed = event.data.listId === undefined ? {} : { listId: event.data.listId };
  return {
    status: "active",
    task: {
      id,
      text: event.data.text,
      done: false,
      createdAt: occurredAt,
      updatedAt: occurredAt,
      version,
      ...listed,
    },
  };
}

function changed(state: Extract<TaskState, { status: "active" }>, event: ChangeEnvelope): ApplyResult {
  const { task } = state;
  const stamp = { updatedAt: event.occurredAt, version: event.version };
  switch (event.type) {
    case "TaskRenamed":
      return inTurn(state, event, () => ({
        status: "active",
        task: { ...task, ...stamp, text: event.data.text },
      }));
    case "TaskCompleted":
      return inTurn(state, event, () => ({ status: "active", task: { ...task, ...stamp, done: true } }));
    case "TaskReopened":
      return inTurn(state, event, () => ({ status: "active", task: { ...task, ...stamp, done: false } }));
    case "TaskDeleted":
      return inTurn(state, event, () => ({
        status: "deleted",
        id: task.id,
        version: event.version,
        deletedAt: event.occurredAt,
        ...(task.listId === undefined ? {} : { listId: task.listId }),
      }));
    default: {
      // Exhaustive for decoded events; anything else that reaches here at run time is skipped, not thrown.
      const unknown: never = event;
      return { state, applied: false, reason: `unknown event type in ${JSON.stringify(unknown)}` };
    }
  }
}

/**
 * Folds one event into the state of its task. Total: it never throws, never resurrects a deleted task and
 * never lowers a version. An event applies only to its own task, in a status it fits (TaskCreated to an
 * absent task, the others to an active one), and with `version` exactly the task's version + 1; otherwise
 * the state is returned unchanged with the reason. A redundant but in-turn event (TaskCompleted on a done
 * task) applies: it is a fact in the stream, and skipping it would strand every later version.
 * `createdAt` comes from TaskCreated's `occurredAt`, `updatedAt` from the latest applied event's.
 */
export function applyEvent(state: TaskState, event: EventEnvelope): ApplyResult {
  const ownId = taskIdOf(state);
  if (ownId !== undefined && ownId !== event.taskId) {
    return skip(state, event, `belongs to task ${event.taskId}, not ${ownId}`);
  }
  switch (state.status) {
    case "absent":
      return event.type === "TaskCreated"
        ? inTurn(state, event, () => created(event))
        : skip(state, event, `task ${event.taskId} does not exist`);
    case "deleted":
      return skip(state, event, `task ${event.taskId} has been deleted`);
    case "active":
      return event.type === "TaskCreated"
        ? skip(state, event, `task ${event.taskId} already exists`)
        : changed(state, event);
    default: {
      const unknown: never = state;
      return { state, applied: false, reason: `unknown task state ${JSON.stringify(unknown)}` };
    }
  }
}

/** The state after `event`, i.e. `applyEvent(state, event).state`; fits `envelopes.reduce(evolve, state)`. */
export function evolve(state: TaskState, event: EventEnvelope): TaskState {
  return applyEvent(state, event).state;
}
