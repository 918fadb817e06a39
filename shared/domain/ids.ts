/** Lowercase canonical UUID text form (8-4-4-4-12 hex digits), as `crypto.randomUUID()` produces. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a lowercase canonical UUID. Upper case, braces and missing hyphens are refused: ids are keys. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** True for a valid task id: a lowercase canonical UUID. */
export function isTaskId(value: unknown): value is string {
  return isUuid(value);
}

/**
 * A list id: 1-64 of `A-Z a-z 0-9 _ -`, so it is safe in a Redis key, a URL fragment and a log line. The default
 * list has no id at all.
 */
export function isListId(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(value);
}
