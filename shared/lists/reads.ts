/**
 * A named list's reads with its registry entry. A request on a named list must know what its capability opens (the
 * list, its mode, its data key) before it answers anything, and then reads the list: done one after the other that
 * is two round trips where a read of the default list is one. A ListReads answers both from one look (over Redis,
 * one script: redis/reads.ts); `composedListReads` is the same from a registry and a read model one after the other
 * (what the in-process adapters do).
 */
import type { TaskState } from "../domain";
import type { HistoryEntry } from "../projection/codec";
import type { CursorPage, ListCursor, ReadModel, TaskPage } from "../projection/read-model";
import type { ListRecord, ListRegistry } from "./port";

/** What one look at a capability found, with `read` of the list it opens. */
export type Look<T> =
  /** A list of the registry, through its id (edit) or its view id, and the read of it. */
  | { kind: "list"; mode: "edit" | "view"; list: ListRecord; read: T }
  /** The id of a purged list: nothing was read. */
  | { kind: "purged" }
  /**
   * No list of the registry, but tasks on a list with the capability as its id (a list from before lists were
   * minted is known by its tasks only): how many, and the read of it.
   */
  | { kind: "unlisted"; size: number; read: T }
  /** No list at all. */
  | { kind: "none" };

/** A task's state as a look reads it, with the checkpoints read with it (a consistency token is checked on them). */
export interface TaskRead {
  state: TaskState;
  checkpoints: Map<number, number>;
}

/** A task's state and `limit` of its history entries from `offset`, with the checkpoints. */
export interface HistoryRead extends TaskRead {
  history: HistoryEntry[];
}

/**
 * How many active tasks a list holds, as projected, and the checkpoints the projection had folded to when it was
 * read (in the same atomic read: a write the checkpoints show folded is counted in the size).
 */
export interface ListSize {
  size: number;
  checkpoints: Map<number, number>;
}

export interface LookOptions {
  /**
   * A look again, after a first found no list: one round trip at most, so a view id the isolate has not seen is not
   * followed to its list (it was minted after the first look: no holder can have been given it then).
   */
  again?: boolean;
}

export interface ListReads {
  /** What `capability` opens (the size only when the registry does not know it). */
  open(capability: string, options?: LookOptions): Promise<Look<undefined>>;
  /** What `capability` opens, with how many active tasks its list holds (a create's bound). */
  sized(capability: string, options?: LookOptions): Promise<Look<ListSize>>;
  /** What `capability` opens, with `limit` of its list's tasks from `offset` (ReadModel.list). */
  list(capability: string, offset: number, limit: number, options?: LookOptions): Promise<Look<TaskPage>>;
  /** What `capability` opens, with a page of its list after `after` (ReadModel.listAfter). */
  listAfter(
    capability: string,
    limit: number,
    after?: ListCursor,
    options?: LookOptions,
  ): Promise<Look<CursorPage>>;
  /** What `capability` opens, with the state of the task `taskId` (ReadModel.task), whatever list it is on. */
  task(capability: string, taskId: string, options?: LookOptions): Promise<Look<TaskRead>>;
  /** What `capability` opens, with the state and history of the task `taskId` (ReadModel.history). */
  history(
    capability: string,
    taskId: string,
    range: { offset: number; limit: number },
    options?: LookOptions,
  ): Promise<Look<HistoryRead>>;
}

/** The looks of `registry` and `store` one after the other: the registry, then the read of the list it opened. */
export function composedListReads(registry: ListRegistry, store: ReadModel): ListReads {
  const look = async <T>(capability: string, read: (listId: string) => Promise<T>): Promise<Look<T>> => {
    const opened = await registry.open(capability);
    if (opened?.mode === "purged") return { kind: "purged" };
    if (opened)
      return { kind: "list", mode: opened.mode, list: opened.list, read: await read(opened.list.id) };
    const size = await store.listSize(capability);
    return size > 0 ? { kind: "unlisted", size, read: await read(capability) } : { kind: "none" };
  };
  return {
    open: (capability) => look(capability, async () => undefined),
    sized: (capability) =>
      look(capability, async (id) => {
        const [size, checkpoints] = await Promise.all([store.listSize(id), store.checkpoints()]);
        return { size, checkpoints };
      }),
    list: (capability, offset, limit) => look(capability, (id) => store.list(offset, limit, id)),
    listAfter: (capability, limit, after) => look(capability, (id) => store.listAfter(limit, id, after)),
    task: (capability, taskId) =>
      look(capability, async () => {
        const [checkpoints, state] = await Promise.all([store.checkpoints(), store.task(taskId)]);
        return { checkpoints, state };
      }),
    history: (capability, taskId, range) =>
      look(capability, async () => {
        const [checkpoints, state, history] = await Promise.all([
          store.checkpoints(),
          store.task(taskId),
          store.history(taskId, range),
        ]);
        return { checkpoints, state, history };
      }),
  };
}
