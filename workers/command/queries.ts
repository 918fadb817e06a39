/** The read side: projections from Redis, waiting (bounded) for a consistency token when one is given. */
import { listOf, type Task, type TaskState } from "../../shared/domain";
import type { HistoryRead, TaskRead } from "../../shared/lists/reads";
import { type ProjectionStatus, projectionStatus } from "../../shared/projection/status";
import type { StatusCache } from "../../shared/projection/status-cache";
import type { RebuildStatus } from "../../shared/rebuild/port";
import { type Scope, type ScopedRead, scopeList } from "./access";
import { parseToken, reached } from "./consistency/token";
import { awaitToken } from "./consistency/wait";
import type { RequestDeps } from "./deps";
import {
  CURSOR_REFUSED,
  DEFAULT_HISTORY_PAGE,
  DEFAULT_PAGE,
  decodeCursor,
  encodeCursor,
  MAX_HISTORY_PAGE,
  MAX_PAGE,
  pageOffset,
  pageSize,
} from "./pages";
import { InvalidArgumentError, requireTaskId } from "./service-errors";

/**
 * Opens the scope of a field's `listId` with `read` of its list in the same look (see access.ts `openScopeWith`);
 * `after`: the consistency token the field waits for, which a list known by its tasks only is looked at again for.
 */
export type Opener = <T>(
  read: ScopedRead<T>,
  after: string | null | undefined,
) => Promise<{ scope: Scope; read: T }>;

/**
 * `list`: `limit` tasks from `offset` (the original API), a page of at most MAX_PAGE (DEFAULT_PAGE when unset),
 * read with the look that opens the list; read again once the projection holds the consistency token `after`.
 */
export async function listTasks(
  deps: RequestDeps,
  args: { offset?: number | null; limit?: number | null; after?: string | null },
  open: Opener,
): Promise<{ scope: Scope; tasks: Task[] }> {
  const offset = pageOffset(args.offset);
  const limit = pageSize(args.limit, "limit", DEFAULT_PAGE, MAX_PAGE);
  const position = args.after ? parseToken(args.after, deps.log.partitions) : undefined;
  const { scope, read } = await open(
    {
      named: (capability, options) => deps.listReads.list(capability, offset, limit, options),
      unnamed: () => deps.store.list(offset, limit),
    },
    args.after,
  );
  let page = read;
  if (position && !reached(page.checkpoints, position)) {
    await awaitToken(deps, args.after);
    page = await deps.store.list(offset, limit, scopeList(scope));
  }
  return { scope, tasks: page.tasks };
}

/**
 * `tasks`: a page of `first` tasks after `cursor` (from the start without it), and the next page's cursor, read
 * with the look that opens the list; read again once the projection holds the consistency token `after`. Without
 * `after`, the token the cursor carries is waited for: the one the walk's first page was given.
 */
export async function taskPage(
  deps: RequestDeps,
  args: { first?: number | null; cursor?: string | null; after?: string | null },
  open: Opener,
): Promise<{ scope: Scope; tasks: Task[]; nextCursor: string | null }> {
  const first = pageSize(args.first, "first", DEFAULT_PAGE, MAX_PAGE);
  const cursor = args.cursor ? decodeCursor(args.cursor) : undefined;
  const after = args.after || cursor?.token;
  const position = args.after
    ? parseToken(args.after, deps.log.partitions)
    : cursor?.token
      ? cursorToken(cursor.token, deps.log.partitions)
      : undefined;
  const { scope, read } = await open(
    {
      named: (capability, options) => deps.listReads.listAfter(capability, first, cursor?.place, options),
      unnamed: () => deps.store.listAfter(first, undefined, cursor?.place),
    },
    after,
  );
  let page = read;
  if (position && !reached(page.checkpoints, position)) {
    await awaitToken(deps, after);
    page = await deps.store.listAfter(first, scopeList(scope), cursor?.place);
  }
  const nextCursor = page.next ? encodeCursor({ place: page.next, ...(after && { token: after }) }) : null;
  return { scope, tasks: page.tasks, nextCursor };
}

/** The position a cursor's token names; a cursor whose token is no position of this log is no cursor it answered. */
function cursorToken(token: string, partitions: number) {
  try {
    return parseToken(token, partitions);
  } catch {
    throw new InvalidArgumentError(CURSOR_REFUSED, "cursor");
  }
}

/**
 * The task, or null when it does not exist, is deleted, or is on another list than the scope's (alike). On a named
 * list it is read with the look that opens the list, and again once the projection holds the token `after`; on
 * the default list (no look) after the token's wait, as a read before it would be thrown away.
 */
export async function getTask(
  deps: RequestDeps,
  args: { id: string; after?: string | null },
  open: Opener,
): Promise<{ scope: Scope; task: Task | null }> {
  const { id, after } = args;
  requireTaskId(id);
  const position = after ? parseToken(after, deps.log.partitions) : undefined;
  const { scope, read } = await open<TaskRead | TaskState>(
    {
      named: (capability, options) => deps.listReads.task(capability, id, options),
      unnamed: async () => {
        await awaitToken(deps, after);
        return deps.store.task(id);
      },
    },
    after,
  );
  let state = "checkpoints" in read ? read.state : read;
  if ("checkpoints" in read && position && !reached(read.checkpoints, position)) {
    await awaitToken(deps, after);
    state = await deps.store.task(id);
  }
  return {
    scope,
    task: state.status === "active" && state.task.listId === scopeList(scope) ? state.task : null,
  };
}

export interface HistoryEntry {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string;
  position: string;
  text: string | null;
}

/**
 * A task's audit trail; empty, as for an id never used, when the task is on another list than the scope's. Read
 * as `getTask` reads the task, with its state (which says its list).
 */
export async function taskHistory(
  deps: RequestDeps,
  args: { id: string; after?: string | null; offset?: number | null; limit?: number | null },
  open: Opener,
): Promise<{ scope: Scope; entries: HistoryEntry[] }> {
  const { id, after } = args;
  requireTaskId(id);
  const range = {
    offset: pageOffset(args.offset),
    limit: pageSize(args.limit, "limit", DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE),
  };
  const position = after ? parseToken(after, deps.log.partitions) : undefined;
  const both = async () => {
    const [state, history] = await Promise.all([deps.store.task(id), deps.store.history(id, range)]);
    return { state, history };
  };
  const { scope, read } = await open<HistoryRead | Awaited<ReturnType<typeof both>>>(
    {
      named: (capability, options) => deps.listReads.history(capability, id, range, options),
      unnamed: async () => {
        await awaitToken(deps, after);
        return both();
      },
    },
    after,
  );
  let { state, history } = read;
  if ("checkpoints" in read && position && !reached(read.checkpoints, position)) {
    await awaitToken(deps, after);
    ({ state, history } = await both());
  }
  if (listOf(state) !== scopeList(scope)) return { scope, entries: [] };
  const entries = history.map((e) => ({
    eventId: e.eventId,
    type: e.type,
    version: e.version,
    occurredAt: e.occurredAt,
    position: `${e.partition}:${e.offset}`,
    text: e.data?.text ?? null,
  }));
  return { scope, entries };
}

/**
 * The projection's status: one read of the log heads and the read model per namespace every few seconds per
 * isolate (`cache`), however many requests or aliases ask. It carries counts, positions and reasons, no task id.
 */
export async function projection(deps: RequestDeps, cache: StatusCache<ProjectionView>) {
  return cache.get(deps.namespace, async () => {
    const [status, rebuild] = await Promise.all([
      projectionStatus(deps.log, deps.store),
      deps.rebuildStatus(deps.namespace),
    ]);
    return {
      ...status,
      ...rebuild,
      deadLetters: status.deadLetters.map(({ partition, offset, reason }) => ({ partition, offset, reason })),
    };
  });
}

/** What `projection` answers. */
export type ProjectionView = Omit<ProjectionStatus, "deadLetters"> &
  RebuildStatus & { deadLetters: Array<{ partition: number; offset: number; reason: string }> };
