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
