/** What went wrong, in words a person can act on (the server's own message stays in the console). */
import type { ApiError } from "./api";

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
