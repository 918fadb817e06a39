/**
 * Sealed words: a named list's task texts and title are encrypted by the command worker before the append (see
 * shared/lists/cipher.ts), so the log holds `data.sealed` (the ciphertext) where a default-list event holds
 * `data.text`. Inside the domain and the projection a sealed text travels as an opaque *reference*: a mark no
 * valid text can start with (validateText refuses control characters), the id of the event that sealed it (the
 * associated data it was sealed with) and the ciphertext, run together (an event id is 36 characters). The fold
 * copies references like any text, never opening them; the command worker opens them with the list's key on the
 * way out.
 */
import { isUuid } from "./ids";

/**
 * What every sealed reference starts with: U+0091, a C1 control, which a valid text cannot hold and which JSON
 * writes as it is. (The fold writes a state as JSON inside JSON inside a request body: a NUL, as references held
 * before, is escaped at each level, and made every sealed record dearer to fold.)
 */
export const SEALED_MARK = "\u0091";

/** What a reference stored before started with: NUL and `sealed:`, then the event id and `:`. Still read. */
const EARLIER_MARK = "\u0000sealed:";

const EVENT_ID_CHARS = 36;

/**
 * Longest ciphertext in a record: a 1000-code-point text is at most 4000 bytes of UTF-8, plus the 12-byte nonce and
 * the 16-byte tag, in base64url (5371 characters), with room to spare.
 */
export const MAX_SEALED_CHARS = 5400;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Whether `value` is a ciphertext as a record may carry it: base64url of at most MAX_SEALED_CHARS. */
export function isSealedPayload(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_SEALED_CHARS && BASE64URL.test(value);
}

/** The reference to the ciphertext `payload` sealed by the event `eventId`. */
export function sealedRef(eventId: string, payload: string): string {
  return `${SEALED_MARK}${eventId}${payload}`;
}

/** Whether a text is a sealed reference rather than words (or poses as one: it starts with a mark). */
export function isSealed(text: string): boolean {
  return text.startsWith(SEALED_MARK) || text.startsWith(EARLIER_MARK);
}

/** The event id and ciphertext of a sealed reference (either form), or undefined when `text` is not one. */
export function parseSealed(text: string): { eventId: string; payload: string } | undefined {
  let eventId: string;
  let payload: string;
  if (text.startsWith(SEALED_MARK)) {
    const end = SEALED_MARK.length + EVENT_ID_CHARS;
    eventId = text.slice(SEALED_MARK.length, end);
    payload = text.slice(end);
  } else if (text.startsWith(EARLIER_MARK)) {
    const rest = text.slice(EARLIER_MARK.length);
    eventId = rest.slice(0, EVENT_ID_CHARS);
    if (rest[EVENT_ID_CHARS] !== ":") return undefined;
    payload = rest.slice(EVENT_ID_CHARS + 1);
  } else return undefined;
  return isUuid(eventId) && isSealedPayload(payload) ? { eventId, payload } : undefined;
}
