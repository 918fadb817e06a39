/**
 * The list registry: the command side's record of the lists it minted. A list's id is its edit capability and its
 * `viewId` a read-only one; both are random (see capability.ts), so holding one is the only way to reach the list.
 * The registry is written before the list's ListCreated event is appended (which records the same facts in the
 * log), lives under the base prefix beside the write guards, and so is strongly consistent and outlives rebuilds of
 * the projection: a task can be created on a list the instant `createList` answers.
 */

/**
 * A list as minted: its capabilities, title (sealed under its key, see cipher.ts), creation time and data key
 * (base64url; null for a list minted before lists had keys, whose words are in the clear).
 */
export interface ListRecord {
  id: string;
  viewId: string;
  title: string | null;
  createdAt: string;
  key: string | null;
}

/**
 * What a capability opens: the list, as edit (its id) or view (its viewId); or, for the id of a purged list, only
 * that it was purged (its key, title and view id are gone: a tombstone, so that its id cannot open as a list from
 * before lists were minted while the projection still holds its tasks, and a purge can be completed again).
 */
export type Opened = { mode: "edit" | "view"; list: ListRecord } | { mode: "purged"; id: string };

export interface ListRegistry {
  /** Records a newly minted list; false (nothing recorded) when its id or view id is already taken. */
  register(list: ListRecord): Promise<boolean>;
  /** Forgets a list whose ListCreated certainly was not appended (its id was never given to anyone). */
  unregister(list: ListRecord): Promise<void>;
  /**
   * Destroys a list's entry in one atomic step, its data key with it (the erasure point of a purge), leaving a
   * tombstone under its id; false when it is no longer registered (nothing changed).
   */
  purge(list: ListRecord): Promise<boolean>;
  /** The list `capability` opens (as its id or its view id), or undefined when it opens none. */
  open(capability: string): Promise<Opened | undefined>;
}
