/** The read side: projections from Redis, waiting (bounded) for a consistency token when one is given. */
import { listOf, type Task } from "../../shared/domain";
import { projectionStatus } from "../../shared/projection/status";
import { type Scope, scopeList } from "./access";
import { parseToken, reached } from "./consistency/token";
import { awaitToken } from "./consistency/wait";
import type { RequestDeps } from "./deps";
import { InvalidArgumentError, requireTaskId } from "./service-errors";

export const MAX_LIST_LIMIT = 10_000;

export async function listTasks(
  deps: RequestDeps,
  args: { offset?: number | null; limit?: number | null; after?: string | null },
  scope: Scope,
): Promise<Task[]> {
  const listId = scopeList(scope);
  const offset = args.offset ?? 0;
  const limit = args.limit ?? MAX_LIST_LIMIT;
  if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError("offset must be 0 or more");
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new InvalidArgumentError(`limit must be from 1 to ${MAX_LIST_LIMIT}`);
  }
  const position = args.after ? parseToken(args.after, deps.log.partitions) : undefined;
  let page = await deps.store.list(offset, limit, listId);
  if (position && !reached(page.checkpoints, position)) {
    await awaitToken(deps, args.after);
    page = await deps.store.list(offset, limit, listId);
  }
  return page.tasks;
}

/** The task, or null when it does not exist, is deleted, or is on another list than the scope's (alike). */
export async function getTask(
  deps: RequestDeps,
  args: { id: string; after?: string | null },
  scope: Scope,
): Promise<Task | null> {
  requireTaskId(args.id);
  await awaitToken(deps, args.after);
  const state = await deps.store.task(args.id);
  return state.status === "active" && state.task.listId === scopeList(scope) ? state.task : null;
}

export interface HistoryEntry {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string;
  position: string;
  text: string | null;
}

/** A task's audit trail; empty, as for an id never used, when the task is on another list than the scope's. */
export async function taskHistory(
  deps: RequestDeps,
  args: { id: string; after?: string | null },
  scope: Scope,
): Promise<HistoryEntry[]> {
  const { id } = args;
  requireTaskId(id);
  await awaitToken(deps, args.after);
  const [state, history] = await Promise.all([deps.store.task(id), deps.store.history(id)]);
  if (listOf(state) !== scopeList(scope)) return [];
  return history.map((e) => ({
    eventId: e.eventId,
    type: e.type,
    version: e.version,
    occurredAt: e.occurredAt,
    position: `${e.partition}:${e.offset}`,
    text: e.data?.text ?? null,
  }));
}

export async function projection(deps: RequestDeps) {
  const [status, rebuild] = await Promise.all([
    projectionStatus(deps.log, deps.store),
    deps.rebuildStatus(deps.namespace),
  ]);
  return {
    ...status,
    ...rebuild,
    deadLetters: status.deadLetters.map(({ partition, offset, reason }) => ({ partition, offset, reason })),
  };
}
