/** The read side: projections from Redis, waiting (bounded) for a consistency token when one is given. */
import type { Task } from "../../shared/domain";
import { validateListId } from "../../shared/domain";
import { projectionStatus } from "../../shared/projection/status";
import { parseToken, reached, WAIT_LIMIT_MS, waitUntil } from "./consistency";
import type { RequestDeps } from "./deps";
import { InvalidArgumentError, requireTaskId, StaleError } from "./service-errors";

export const MAX_LIST_LIMIT = 10_000;

/** With a consistency token, waits (bounded) until the projection has folded past it; STALE if it does not. */
async function awaitToken(deps: RequestDeps, after: string | null | undefined): Promise<void> {
  if (!after) return;
  const position = parseToken(after, deps.log.partitions);
  const ok = await waitUntil(async () => (await deps.store.checkpoint(position.partition)) > position.offset);
  if (!ok) throw new StaleError(after, WAIT_LIMIT_MS);
}

export async function listTasks(
  deps: RequestDeps,
  args: { offset?: number | null; limit?: number | null; after?: string | null; listId?: string | null },
): Promise<Task[]> {
  const badList = validateListId(args.listId);
  if (badList) throw badList;
  const listId = args.listId ?? undefined;
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

export async function getTask(
  deps: RequestDeps,
  args: { id: string; after?: string | null },
): Promise<Task | null> {
  requireTaskId(args.id);
  await awaitToken(deps, args.after);
  const state = await deps.store.task(args.id);
  return state.status === "active" ? state.task : null;
}

export interface HistoryEntry {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string;
  position: string;
  text: string | null;
}

export async function taskHistory(
  deps: RequestDeps,
  args: { id: string; after?: string | null },
): Promise<HistoryEntry[]> {
  const { id } = args;
  requireTaskId(id);
  await awaitToken(deps, args.after);
  return (await deps.store.history(id)).map((e) => ({
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
