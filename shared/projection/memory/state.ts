/**
 * What the in-process adapters share: one namespace of the projection and its write guards, held in maps as Redis
 * holds them (values encoded by ../codec.ts), so that what one adapter writes the others read, and values that
 * expire in Redis (reservations, committed writes, idempotency claims, fold leases) expire here on `now()`.
 */
import { projectionKeys } from "../keys";

export interface MemoryProjectionState {
  /** The clock expiries are measured by (epoch ms). */
  now: () => number;
  /** The key names, as projectionKeys(MEMORY_PREFIX) gives them (only the expiring strings use them). */
  keys: ReturnType<typeof projectionKeys>;
  /** task id → encoded TaskState */
  states: Map<string, string>;
  /** list id ('' for the default list) → task id → creation-order score */
  lists: Map<string, Map<string, number>>;
  /** named list id → its deleted tasks' ids (its index holds the others) */
  listTasks: Map<string, Set<string>>;
  /** the lists purged */
  purged: Set<string>;
  /** partition → next offset to fold */
  checkpoints: Map<number, number>;
  /** counter name → value (see decodeCounters) */
  counters: Map<string, number>;
  /** encoded dead letters and rejected events, oldest first (the newest PROBLEMS_KEPT) */
  dead: string[];
  rejected: string[];
  /** partition → encoded stop record */
  stopped: Map<number, string>;
  /** The partition count the projection was folded with (set by the first batch). */
  partitions?: number;
  /** task id → encoded history entries, in order */
  history: Map<string, string[]>;
  /** key → value and the time it expires at: reservations, committed writes, claims, leases */
  strings: Map<string, { value: string; until: number }>;
}

/** The prefix the in-process keys are named under (nothing is shared with Redis). */
export const MEMORY_PREFIX = "memory";

/** An empty state whose expiries follow `now`. */
export function createMemoryState(now: () => number = Date.now): MemoryProjectionState {
  return {
    now,
    keys: projectionKeys(MEMORY_PREFIX),
    states: new Map(),
    lists: new Map(),
    listTasks: new Map(),
    purged: new Set(),
    checkpoints: new Map(),
    counters: new Map(),
    dead: [],
    rejected: [],
    stopped: new Map(),
    history: new Map(),
    strings: new Map(),
  };
}

/** GET: the value of `key` unless it expired. */
export function getString(state: MemoryProjectionState, key: string): string | undefined {
  const entry = state.strings.get(key);
  if (entry === undefined) return undefined;
  if (entry.until <= state.now()) {
    state.strings.delete(key);
    return undefined;
  }
  return entry.value;
}

/** SET with PX. */
export function setString(state: MemoryProjectionState, key: string, value: string, ttlMs: number): void {
  state.strings.set(key, { value, until: state.now() + ttlMs });
}

/** DEL: whether there was a (live) value. */
export function deleteString(state: MemoryProjectionState, key: string): boolean {
  const had = getString(state, key) !== undefined;
  state.strings.delete(key);
  return had;
}

/** PEXPIRE on a live value. */
export function expireString(state: MemoryProjectionState, key: string, ttlMs: number): void {
  const value = getString(state, key);
  if (value !== undefined) setString(state, key, value, ttlMs);
}

/** A list's ids in creation order: by score, then (as a Redis sorted set orders a tie) by id. */
export function ordered(index: ReadonlyMap<string, number> | undefined): string[] {
  return orderedEntries(index).map(({ id }) => id);
}

/** A list's ids with their scores, in creation order. */
export function orderedEntries(
  index: ReadonlyMap<string, number> | undefined,
): Array<{ id: string; score: number }> {
  return [...(index ?? new Map<string, number>())]
    .sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, score]) => ({ id, score }));
}

/** The index of `listId` ('' is the default list's), created when a fold adds to it. */
export function listIndex(state: MemoryProjectionState, listId: string): Map<string, number> {
  let index = state.lists.get(listId);
  if (index === undefined) {
    index = new Map();
    state.lists.set(listId, index);
  }
  return index;
}
