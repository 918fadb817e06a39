import { DomainError } from "./errors";
import { isListId, isTaskId } from "./ids";

/** Longest task text, counted in Unicode code points (an emoji such as 😀 counts as one). */
export const MAX_TEXT_CODE_POINTS = 1000;

const TAB = 0x09;
const LINE_FEED = 0x0a;

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** C0 and C1 controls and DEL (Unicode category Cc), except the two that plain text needs. */
function isForbiddenControl(codePoint: number): boolean {
  if (codePoint === TAB || codePoint === LINE_FEED) return false;
  return codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
}

function isSurrogate(codePoint: number): boolean {
  return codePoint >= 0xd800 && codePoint <= 0xdfff;
}

function badInput(message: string, field: string): DomainError {
  return new DomainError("BAD_USER_INPUT", message, field);
}

/**
 * Checks a task text, which is stored exactly as given (never trimmed). Refused: a non-string, empty or
 * whitespace-only text, more than MAX_TEXT_CODE_POINTS code points, a lone surrogate (not valid Unicode,
 * cannot be stored as UTF-8), and control characters other than `\n` and `\t` (`\r` included).
 * Returns the error, or undefined when the text is valid.
 */
export function validateText(value: unknown, field = "text"): DomainError | undefined {
  if (typeof value !== "string") return badInput(`${field} must be a string`, field);
  if (value.trim().length === 0) return badInput(`${field} must not be empty or whitespace only`, field);
  let codePoints = 0;
  let loneSurrogate: number | undefined;
  let control: number | undefined;
  // for..of walks code points and yields a lone surrogate as a one-unit string of its own.
  for (const char of value) {
    codePoints++;
    const codePoint = char.codePointAt(0) ?? 0;
    if (loneSurrogate === undefined && isSurrogate(codePoint)) loneSurrogate = codePoint;
    if (control === undefined && isForbiddenControl(codePoint)) control = codePoint;
  }
  if (codePoints > MAX_TEXT_CODE_POINTS) {
    return badInput(
      `${field} must be at most ${MAX_TEXT_CODE_POINTS} characters (Unicode code points), got ${codePoints}`,
      field,
    );
  }
  if (loneSurrogate !== undefined) {
    return badInput(`${field} must be valid Unicode: found a lone surrogate ${hex(loneSurrogate)}`, field);
  }
  if (control !== undefined) {
    return badInput(
      `${field} must not contain control characters other than newline and tab: found ${hex(control)}`,
      field,
    );
  }
  return undefined;
}

/** Checks a task id field; see `isTaskId`. */
export function validateTaskId(value: unknown, field = "taskId"): DomainError | undefined {
  if (isTaskId(value)) return undefined;
  return badInput(
    `${field} must be a lowercase canonical UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)`,
    field,
  );
}

/** Checks an optional expected version: null or undefined (no check), or a non-negative integer. */
export function validateExpectedVersion(value: unknown, field = "expectedVersion"): DomainError | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return undefined;
  return badInput(`${field} must be a non-negative integer`, field);
}

/** Checks a done flag. */
export function validateDone(value: unknown, field = "done"): DomainError | undefined {
  return typeof value === "boolean" ? undefined : badInput(`${field} must be a boolean`, field);
}

/** Checks an optional list id: null or undefined (the default list), or a list id (see `isListId`). */
export function validateListId(value: unknown, field = "listId"): DomainError | undefined {
  if (value === undefined || value === null || isListId(value)) return undefined;
  return badInput(`${field} must be 1-64 characters of A-Z a-z 0-9 _ -`, field);
}
