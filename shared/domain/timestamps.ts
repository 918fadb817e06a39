const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * True for an ISO timestamp in exactly the form `Date.prototype.toISOString()` writes
 * (`2025-01-31T12:00:00.000Z`) and naming a real instant (no February 30th). One form only, so that
 * stored times compare as strings.
 */
export function isIsoTimestamp(value: unknown): value is string {
  if (typeof value !== "string" || !ISO_UTC_MILLIS.test(value)) return false;
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
}
