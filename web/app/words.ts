/** What went wrong, in words a person can act on (the server's own message stays in the console). */
import type { ApiError } from "./api";
import type { Op, TaskView } from "./model";

/** A title as it is quoted in a message: long ones cut short. */
export function quoted(title: string): string {
  const chars = [...title];
  return `"${chars.length > 60 ? `${chars.slice(0, 57).join("")}…` : title}"`;
}

/** What a change did, in words ("renaming "milk" to "oat milk""); `title` is the todo's before it. */
export function describeChange(op: Op, title: string): string {
  switch (op.kind) {
    case "create":
      return `adding ${quoted(op.title)}`;
    case "rename":
      return `renaming ${quoted(title)} to ${quoted(op.title)}`;
    case "complete":
      return `ticking ${quoted(title)}`;
    case "reopen":
      return `unticking ${quoted(title)}`;
    case "delete":
      return `deleting ${quoted(title)}`;
  }
}

/** Why a change was dropped for good: which change, and why, in words. Nothing else is dropped with it. */
export function describeRefusal(op: Op, title: string, error: ApiError): string {
  if (op.kind === "delete" && error.code === "CONFLICT")
    return `${quoted(title)} was not deleted: it was changed elsewhere after you deleted it here. Delete it again if you still want it gone.`;
  const what = describeChange(op, title);
  switch (error.code) {
    case "NOT_FOUND":
      return `Not saved: ${what}. That todo no longer exists: it was deleted, perhaps in another window.`;
    case "BAD_USER_INPUT":
      return `Not saved: ${what}. The server refused it: ${error.message}.`;
    default:
      return `Not saved: ${what} (${error.code ?? error.message}${
        error.requestId ? `, request ${error.requestId}` : ""
      }).`;
  }
}

/** What to tell the person when a later change from elsewhere replaced what this browser set on a todo. */
export function toldOf(mine: { title?: string; completed?: boolean }, now: TaskView): string | undefined {
  if (mine.title !== undefined && now.text !== mine.title)
    return `${quoted(mine.title)} was renamed to ${quoted(now.text)} in another browser (the later change wins).`;
  if (mine.completed !== undefined && now.done !== mine.completed)
    return `${quoted(now.text)} was ${now.done ? "ticked" : "unticked"} again in another browser (the later change wins).`;
  return undefined;
}

export function describeError(error: ApiError, willRetry: boolean): string {
  const retry = willRetry ? " Trying again…" : "";
  switch (error.code ?? error.kind) {
    case "offline":
      return `Can't reach the server. Your changes are kept in this browser and will be sent when it is back.${retry}`;
    case "UNAVAILABLE":
      return `The server couldn't save your change just now (its storage did not answer).${retry}`;
    case "CONFLICT":
      return `Another change to this todo was being saved at the same moment.${retry}`;
    case "RATE_LIMITED":
      return `The server is receiving too many changes from this address; it will take them again in a few seconds.${retry}`;
    case "STALE":
      return `The server is still catching up with the latest changes.${retry}`;
    case "NOT_FOUND":
      return "That todo no longer exists: it was deleted, perhaps in another window. The list is up to date again.";
    case "BAD_USER_INPUT":
      return `The server refused that change: ${error.message}. The list is up to date again.`;
    case "transient":
      return `The server had a problem.${retry}`;
    default:
      return `The change could not be saved (${error.code ?? error.message}${
        error.requestId ? `, request ${error.requestId}` : ""
      }). The list is up to date again.`;
  }
}

/** Why a list was not deleted, and that nothing was lost: the person may try again. */
export function describePurgeError(error: ApiError): string {
  const why =
    error.kind === "offline"
      ? "the server could not be reached"
      : error.code === "RATE_LIMITED"
        ? "the server is receiving too many changes from this address"
        : error.kind === "transient"
          ? "the server had a problem"
          : `the server refused (${error.code ?? error.message})`;
  return `The list was not deleted: ${why}. Everything is kept; try again.`;
}
