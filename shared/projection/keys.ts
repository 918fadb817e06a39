import { logIdentityKey } from "../event-log/identity";

/**
 * Every Redis key of the projection lives under one namespace (the base prefix `PROJECTION_PREFIX`, e.g.
 * `todo:v1`, or a rebuilt generation of it, `todo:v1:g2`: see shared/rebuild/control.ts). The write guards
 * (reservations, idempotency claims, committed writes) live under the base prefix whichever namespace is live, so
 * that workers reading either side of a switch guard their writes in the same keys.
 */
export interface ProjectionKeys {
  /** hash: task id → JSON TaskState (active or deleted) */
  state: string;
  /** sorted set: ids of the default list's active tasks, scored by creation order */
  order: string;
  /** sorted set: ids of a named list's active tasks, scored by creation order (the default list is `order`) */
  list(listId: string): string;
  /**
   * set: ids of a named list's deleted tasks (with the list's sorted set, what a purge removes; a set written before
   * it held only those held every task of the list, which a purge reads the same way)
   */
  listTasks(listId: string): string;
  /** set: ids of the lists purged (a task of one folded later is removed as soon as it is written) */
  purged: string;
  /** hash: partition → next offset to fold (the checkpoint) */
  checkpoint: string;
  /** hash: applied / rejected / dead counters */
  counters: string;
  /** list: the newest JSON dead letters (undecodable events) with position and reason (see PROBLEMS_KEPT) */
  dead: string;
  /** list: the newest JSON events that decoded but no longer applied (racing writes), with position and reason */
  rejected: string;
  /** hash: partition → JSON stop record ({offset, reason, since}) while the fold cannot pass that offset */
  stopped: string;
  /** string: the partition count the projection was folded with (written by the first fold) */
  partitions: string;
  /** string: the identity of the event log this projection is folded from (see shared/event-log/identity.ts) */
  logIdentity: string;
  /** list: one task's applied events, its audit trail */
  history(taskId: string): string;
  /** string: a client idempotency key's claim or remembered result (expires) */
  idempotency(key: string): string;
  /** string: the highest version a writer has reserved for a task (expires) */
  reservation(taskId: string): string;
  /**
   * string: the version last reserved for a task, kept after the reservation expires: while it is neither held
   * nor projected, an append that got no answer may still have committed it
   */
  lastReserved(taskId: string): string;
  /**
   * string: the task's last write the log acknowledged and the projection may not hold yet,
   * `<version>:<nonce>:<state JSON>` (expires): the next writer decides on it without waiting for the fold
   */
  committed(taskId: string): string;
  /** hash: a minted list's `view` (its read-only capability), `title` and `createdAt` (the list registry) */
  listMeta(listId: string): string;
  /** string: the id of the list a read-only capability opens (the list registry) */
  listView(viewId: string): string;
  /** string: the token of the one fold that holds a partition (expires), so concurrent pokes coalesce */
  foldLease(partition: number): string;
  /** string: set by a poke that found the partition's lease held: its holder must read again before it lets go */
  foldMore(partition: number): string;
  /** string: a counter the cron's sweep advances, to pick the window of partitions it reads when it cannot read all */
  sweepCursor: string;
}

/** `guards`: the prefix of the write guards (the base prefix); by default the namespace itself. */
export function projectionKeys(prefix: string, guards: string = prefix): ProjectionKeys {
  return {
    state: `${prefix}:state`,
    order: `${prefix}:order`,
    list: (listId) => `${prefix}:list:${listId}`,
    listTasks: (listId) => `${prefix}:list-tasks:${listId}`,
    purged: `${prefix}:purged`,
    checkpoint: `${prefix}:checkpoint`,
    counters: `${prefix}:counters`,
    dead: `${prefix}:dead`,
    rejected: `${prefix}:rejected`,
    stopped: `${prefix}:stopped`,
    partitions: `${prefix}:partitions`,
    logIdentity: logIdentityKey(prefix),
    history: (taskId) => `${prefix}:history:${taskId}`,
    reservation: (taskId) => `${guards}:reservation:${taskId}`,
    idempotency: (key) => `${guards}:idempotency:${key}`,
    lastReserved: (taskId) => `${guards}:last-reserved:${taskId}`,
    committed: (taskId) => `${guards}:committed:${taskId}`,
    listMeta: (listId) => `${guards}:list-meta:${listId}`,
    listView: (viewId) => `${guards}:list-view:${viewId}`,
    foldLease: (partition) => `${prefix}:fold-lease:${partition}`,
    foldMore: (partition) => `${prefix}:fold-more:${partition}`,
    sweepCursor: `${prefix}:sweep-cursor`,
  };
}
