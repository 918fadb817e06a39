/**
 * "Delete this list": `purgeList` erases the list on the server for everyone who holds its links (its data key is
 * destroyed, its tasks leave the projection), and `forgetList` erases what this browser keeps of it. A list the
 * server no longer knows was purged already (in another browser, or by a request whose answer was lost): done.
 */
import { ApiError, graphql } from "./api";
import { forgetRemembered, type ListAccess } from "./list-id";
import { stateKey } from "./sync";

const PURGE = "mutation PurgeList($listId: String!) { purgeList(listId: $listId) }";

/** What the person confirms before the list is erased. */
export const DELETE_LIST_QUESTION =
  "Delete this list? Every todo in it will be erased for everyone who has its links. This cannot be undone.";

/** Erases the list whose edit id is `listId`; an ApiError when it may not have been (offline, 5xx, 429, ...). */
export async function purgeList(listId: string): Promise<void> {
  try {
    await graphql<{ purgeList: string }>(PURGE, { listId });
  } catch (err) {
    if (err instanceof ApiError && err.code === "NOT_FOUND") return;
    throw err;
  }
}

/** Forgets a list in this browser: its copy and outbox under either link, and the list remembered if it is this one. */
export function forgetList(storage: Storage, access: ListAccess): void {
  for (const key of [access.id, access.viewId]) if (key !== null) storage.removeItem(stateKey(key));
  forgetRemembered(storage, access);
}
