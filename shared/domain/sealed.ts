/**
 * Sealed words: a named list's task texts and title are encrypted by the command worker before the append (see
 * shared/lists/cipher.ts), so the log holds `data.sealed` (the ciphertext) where a default-list event holds
 * `data.text`. Inside the domain and the projection a sealed text travels as an opaque *reference*: a mark no
 * valid text can start with (validateText refuses control characters), the id of the event that sealed it (the
 * associated data it was sealed with) and the ciphertext, run together. The fold copies references like any text,
 * never opening them; the command worker opens them with the list's key on the way out.
 */
import { isUuid } from "./ids";

/**
 * What every sealed reference starts with: DEL (U+007F), a control character a valid text cannot hold, which JSON
 * writes as it is and which is ASCII. The event id follows as the 22 base64url characters of its 16 bytes, then the
 * ciphertext: a reference of ASCII text is ASCII, which every stage that copies a state (Redis, the REST front
 * end's JSON, the runtime's UTF-8 decoding and JSON parse) handles on its fastest path.
 */
export const SEALED_MARK = "\u007f";

/** What a reference stored before started with: U+0091 (a C1 control, two bytes of UTF-8), then the event id. */
const MARK_0091 = "\u0091";

/** What a reference stored before that started with: NUL and `sealed:`, then the event id and `:`. */
const EARLIER_MARK = "\u0000sealed:";

const EVENT_ID_CHARS = 36;
const COMPACT_ID_CHARS = 22;

/**
 * Longest ciphertext in a record: a 1000-code-point text is at most 4000 bytes of UTF-8, plus the 16-byte tag (and
 * the 12-byte nonce of a text sealed before the nonce came from the event id, shared/lists/cipher.ts), in base64url
 * (5371 characters), with room to spare.
 */
export const MAX_SEALED_CHARS = 5400;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Whether `value` is a ciphertext as a record may carry it: base64url of at most MAX_SEALED_CHARS. */
export function isSealedPayload(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_SEALED_CHARS && BASE64URL.test(value);
}

const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX = "0123456789abcdef";
/** Each ASCII code's value as a base64url digit and as a lowercase hex digit, -1 where it is none. */
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) DIGIT_VALUE[DIGITS.charCodeAt(i)] = i;
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < HEX.length; i++) HEX_VALUE[HEX.charCodeAt(i)] = i;
/** Where a canonical UUID's hyphens are. */
const isHyphenAt = (i: number) => i === 8 || i === 13 || i === 18 || i === 23;

/** The two base64url digits of each 12-bit value. */
const PAIRS = Array.from({ length: 4096 }, (_, v) => DIGITS.charAt(v >> 6) + DIGITS.charAt(v & 63));

/**
 * A lowercase canonical UUID as the base64url of its 16 bytes (22 characters, unpadded): each 3 of its 32 hex digits
 * are 12 bits, two digits; the last 2 hex digits make the last two, the final one holding 2 bits and 4 zeros. Called
 * on every sealed event the fold decodes, so it reads character codes and looks pairs up rather than parsing slices.
 */
function compactId(uuid: string): string {
  let out = "";
  let held = 0;
  let count = 0;
  for (let i = 0; i < 36; i++) {
    if (isHyphenAt(i)) continue;
    held = (held << 4) | (HEX_VALUE[uuid.charCodeAt(i)] ?? 0);
    if (++count === 3) {
      out += PAIRS[held];
      held = 0;
      count = 0;
    }
  }
  return out + DIGITS.charAt(held >> 2) + DIGITS.charAt((held & 3) << 4);
}

/** The UUID of a compact id, or undefined when it is not the compact form of one. */
function expandId(compact: string): string | undefined {
  if (compact.length !== 22) return undefined;
  let hex = "";
  let bits = 0;
  let held = 0;
  for (let i = 0; i < 22; i++) {
    const value = DIGIT_VALUE[compact.charCodeAt(i)] ?? -1;
    if (value < 0) return undefined;
    held = ((held << 6) | value) & 0x3ff;
    bits += 6;
    while (bits >= 4 && hex.length < 32) {
      bits -= 4;
      hex += HEX.charAt((held >> bits) & 15);
    }
  }
  // The last digit's 4 low bits are beyond the 16 bytes: a canonical compact id has them zero.
  if ((held & 15) !== 0) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The reference to the ciphertext `payload` sealed by the event `eventId` (a lowercase canonical UUID). */
export function sealedRef(eventId: string, payload: string): string {
  return `${SEALED_MARK}${compactId(eventId)}${payload}`;
}

/**
 * The ciphertext of `text` when it is a reference (of the current form) to a ciphertext sealed by the event `eventId`,
 * else undefined: where the event's id is stored beside it, the reference need not repeat it.
 */
export function ownPayload(text: string, eventId: string): string | undefined {
  if (!text.startsWith(SEALED_MARK) || eventId.length !== 36) return undefined;
  return carriesId(text, SEALED_MARK.length, eventId)
    ? text.slice(SEALED_MARK.length + COMPACT_ID_CHARS)
    : undefined;
}

/**
 * Whether the compact id at `from` in `text` is that of the canonical UUID `uuid`, compared digit by digit (4 bits of
 * the UUID at a time against the base64url digits' bits), with nothing built: the fold asks it of every sealed event.
 */
function carriesId(text: string, from: number, uuid: string): boolean {
  let digit = from;
  let held = 0;
  let bits = 0;
  for (let i = 0; i < 36; i++) {
    if (isHyphenAt(i)) {
      if (uuid.charCodeAt(i) !== 45) return false;
      continue;
    }
    if (bits < 4) {
      const value = DIGIT_VALUE[text.charCodeAt(digit++)] ?? -1;
      if (value < 0) return false;
      held = ((held << 6) | value) & 0x3ff;
      bits += 6;
    }
    bits -= 4;
    if (((held >> bits) & 15) !== (HEX_VALUE[uuid.charCodeAt(i)] ?? -1)) return false;
  }
  // The last digit's 4 low bits are beyond the 16 bytes: a canonical compact id has them zero.
  return digit === from + COMPACT_ID_CHARS && (held & 15) === 0;
}

/** Whether a text is a sealed reference rather than words (or poses as one: it starts with a mark). */
export function isSealed(text: string): boolean {
  return text.startsWith(SEALED_MARK) || text.startsWith(MARK_0091) || text.startsWith(EARLIER_MARK);
}

/** The event id and ciphertext of a sealed reference (any form), or undefined when `text` is not one. */
export function parseSealed(text: string): { eventId: string; payload: string } | undefined {
  let eventId: string | undefined;
  let payload: string;
  if (text.startsWith(SEALED_MARK)) {
    const end = SEALED_MARK.length + COMPACT_ID_CHARS;
    eventId = expandId(text.slice(SEALED_MARK.length, end));
    payload = text.slice(end);
  } else if (text.startsWith(MARK_0091)) {
    const end = MARK_0091.length + EVENT_ID_CHARS;
    eventId = text.slice(MARK_0091.length, end);
    payload = text.slice(end);
  } else if (text.startsWith(EARLIER_MARK)) {
    const rest = text.slice(EARLIER_MARK.length);
    eventId = rest.slice(0, EVENT_ID_CHARS);
    if (rest[EVENT_ID_CHARS] !== ":") return undefined;
    payload = rest.slice(EVENT_ID_CHARS + 1);
  } else return undefined;
  return isUuid(eventId) && isSealedPayload(payload) ? { eventId, payload } : undefined;
}
