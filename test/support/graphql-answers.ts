/**
 * The GraphQL bodies the command worker answers when a field is refused, as the tests expect them: the field is
 * null and one coded error names it. One place, so a test states only what differs (the code, the message).
 */
import { expect } from "vitest";

/** What an answer says when the request changed nothing: read again and retry. */
export const NOTHING_CHANGED = "nothing was changed by this request, retry later";
/** What an answer says when an append got no settling answer: it may be in the log. */
export const MAY_HAVE_BEEN_RECORDED = "the write may or may not have been recorded, so read before retrying";

/** The body of a request whose `field` was refused with `code`. */
export function refused(
  field: string,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
) {
  return {
    data: { [field]: null },
    errors: [
      { message, locations: [expect.any(Object)], path: [field], extensions: { ...extensions, code } },
    ],
  };
}

/** The body of a request whose `field` failed because `service` did not serve it. */
export function unavailable(field: string, service: string, message: string) {
  return refused(field, "UNAVAILABLE", message, { service });
}
