/**
 * How reads are paged: the page sizes `list`, `tasks` and `history` answer by default and at most, and the opaque
 * cursor of `tasks`. A bounded page is what keeps one answer (and the isolate's memory) small: a task's text is at
 * most 1,000 characters, so a page of 500 is at most about 2 MB of JSON.
 */
import { isTaskId } from "../../shared/domain";
import type { ListCursor } from "../../shared/projection/read-model";
import { InvalidArgumentError } from "./service-errors";

/** Tasks a page holds when the request names no size (`list`'s `limit`, `tasks`' `first`). */
export const DEFAULT_PAGE = 100;
/** The largest page of tasks a read answers. */
export const MAX_PAGE = 500;
/** History entries `history` answers when the request names no `limit`, and at most. */
export const DEFAULT_HISTORY_PAGE = 100;
export const MAX_HISTORY_PAGE = 500;

/** A page size from the request: `fallback` when absent, else an integer from 1 to `max`, else BAD_USER_INPUT. */
export function pageSize(
  value: number | null | undefined,
  name: string,
  fallback: number,
  max: number,
): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new InvalidArgumentError(`${name} must be from 1 to ${max}`);
  }
  return size;
}

/** An offset from the request: 0 when absent, else an integer of 0 or more. */
export function pageOffset(value: number | null | undefined): number {
  const offset = value ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError("offset must be 0 or more");
  return offset;
}

const CURSOR_PREFIX = "c1:";

/** A place in a list to page on from, and the consistency token the walk waits for (see `encodeCursor`). */
export interface PageCursor {
  place: ListCursor;
  token?: string;
}

/**
 * The cursor after a task: its place in creation order (score and id), base64url so that clients treat it as
 * opaque. It names a place, not an index, so a page after it is the same whatever was deleted before it. It also
 * carries the consistency token the walk was given (the first page's `after:`): every page after it waits for
 * that token too, so a rebuild's switch between two pages cannot answer a later page from a namespace behind it.
 */
export function encodeCursor(cursor: PageCursor): string {
  const token = cursor.token ? `:${cursor.token}` : "";
  return btoa(`${CURSOR_PREFIX}${cursor.place.score}:${cursor.place.id}${token}`)
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

const CURSOR = /^c1:(\d{1,16}):([^:]+)(?::(\d{1,4}:\d{1,15}))?$/;

/** The text a cursor holds, or undefined when it is no cursor `encodeCursor` writes. */
function cursorText(text: string): RegExpExecArray | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return undefined;
  try {
    return CURSOR.exec(atob(text.replaceAll("-", "+").replaceAll("_", "/"))) ?? undefined;
  } catch {
    return undefined;
  }
}

/** What a cursor that is not one `encodeCursor` wrote for this log is answered. */
export const CURSOR_REFUSED = "cursor must be a nextCursor a tasks page answered";

/** A cursor from `encodeCursor`, or BAD_USER_INPUT. */
export function decodeCursor(text: string): PageCursor {
  const m = cursorText(text);
  const score = Number(m?.[1]);
  const id = m?.[2];
  if (!m || id === undefined || !Number.isSafeInteger(score) || !isTaskId(id)) {
    throw new InvalidArgumentError(CURSOR_REFUSED, "cursor");
  }
  return { place: { score, id }, ...(m[3] && { token: m[3] }) };
}

/** Whether a cursor carries a consistency token (for the request's cost; an invalid cursor carries none). */
export function cursorWaits(text: unknown): boolean {
  return typeof text === "string" && cursorText(text)?.[3] !== undefined;
}
