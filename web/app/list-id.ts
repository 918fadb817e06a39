/**
 * Which list this browser shows. Lists are minted by the server (`createList`): their id is the edit capability
 * and their viewId a read-only one. A share link (`/?list=<id or viewId>`) wins and is remembered; otherwise the
 * list this browser used last; otherwise (a browser with empty storage, or `/?new`) a list the server mints for it.
 * The address bar then carries `?list=` with what this browser holds, so it is itself a share link.
 */
import { type Answer, ApiError } from "./api";
import { isListId } from "./ids";

const STORAGE_KEY = "todos-es-cqrs:list";

/** What this browser holds of a list: `id` null when it was opened with the read-only link. */
export interface ListAccess {
  id: string | null;
  /** Null for a list from before lists were minted (it has no read-only link). */
  viewId: string | null;
}

/** How the app starts: open a list by the capability `key` (a link's or the stored one), or mint one. */
export type Start = { kind: "open"; key: string; link: boolean; known?: ListAccess } | { kind: "mint" };

export type Resolved = { kind: "list"; access: ListAccess } | { kind: "no-list" };

/** The capability this browser opens the list with. */
export function keyOf(access: ListAccess): string {
  return access.id ?? access.viewId ?? "";
}

function stored(storage: Storage): ListAccess | undefined {
  const raw = storage.getItem(STORAGE_KEY);
  if (raw === null) return undefined;
  // Before lists were minted the browser stored the id it made up: it still opens that list while it has tasks.
  if (isListId(raw)) return { id: raw, viewId: null };
  try {
    const parsed = JSON.parse(raw) as Partial<ListAccess> | null;
    const id = typeof parsed?.id === "string" ? parsed.id : null;
    const viewId = typeof parsed?.viewId === "string" ? parsed.viewId : null;
    return id !== null || viewId !== null ? { id, viewId } : undefined;
  } catch {
    return undefined;
  }
}

export function startOf(search: string, storage: Storage): Start {
  const params = new URLSearchParams(search);
  const last = stored(storage);
  const link = params.get("list");
  if (link !== null) {
    const known = last && (last.id === link || last.viewId === link) ? last : undefined;
    return { kind: "open", key: link, link: true, ...(known && { known }) };
  }
  if (last && !params.has("new")) return { kind: "open", key: keyOf(last), link: false, known: last };
  return { kind: "mint" };
}

/** Keeps the list this browser opened, for its next start. */
export function remember(storage: Storage, access: ListAccess): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(access));
}

/** Forgets the remembered list if it is `access` (another list remembered since stays). */
export function forgetRemembered(storage: Storage, access: ListAccess): void {
  const last = stored(storage);
  if (
    last &&
    ((access.id !== null && last.id === access.id) ||
      (access.viewId !== null && last.viewId === access.viewId))
  )
    storage.removeItem(STORAGE_KEY);
}

type Api = <T>(query: string, variables: Record<string, unknown>) => Promise<Answer<T>>;

const CREATE_LIST = "mutation CreateList { createList { id viewId } }";
const LIST_INFO = "query ListInfo($listId: String!) { listInfo(listId: $listId) { id viewId } }";

/** What the server answers for a list id that opens no list (a malformed one is refused as input). */
const OPENS_NO_LIST = new Set(["NOT_FOUND", "BAD_USER_INPUT"]);

/**
 * Asks the server which list `start` opens. Any other failure (offline, say) goes to `retrying`, which reports it and
 * waits, and the request is tried again until the server answers. A stored list the server does not know (NOT_FOUND) is
 * replaced by a newly minted one; a share link it does not know opens no list.
 */
export async function resolveList(
  start: Start,
  api: Api,
  retrying: (error: ApiError) => Promise<void>,
): Promise<Resolved> {
  for (;;) {
    try {
      if (start.kind === "mint") {
        const answer = await api<{ createList: ListAccess }>(CREATE_LIST, {});
        return { kind: "list", access: answer.data.createList };
      }
      const answer = await api<{ listInfo: ListAccess }>(LIST_INFO, { listId: start.key });
      return { kind: "list", access: answer.data.listInfo };
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError("transient", undefined, String(err));
      // Anything else (offline, a server error, a refusal that may pass) is the same request later.
      if (start.kind === "mint" || !OPENS_NO_LIST.has(error.code ?? "")) {
        await retrying(error);
        continue;
      }
      if (start.link) return { kind: "no-list" };
      start = { kind: "mint" };
    }
  }
}

/** The links this browser can share, keeping the current route (`#/active`, ...). */
export function shareLinks(
  at: Pick<Location, "origin" | "hash">,
  access: ListAccess,
): { edit?: string; view?: string } {
  const link = (key: string) => `${at.origin}/?list=${encodeURIComponent(key)}${at.hash}`;
  return {
    ...(access.id !== null && { edit: link(access.id) }),
    ...(access.viewId !== null && { view: link(access.viewId) }),
  };
}
