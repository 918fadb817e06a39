const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * True for an ISO timestamp in exactly the form `Date.prototype.toISOString()` writes
 * (`2025-01-31T12:00:00.000Z`) and naming a real instant (no February 30th). One form only, so that
 * stored times compare as strings. Every date and time of that form that names a real instant is one
 * toISOString writes (years 0000 to 9999, the proleptic Gregorian calendar), so the fields are checked by
 * number, without a Date (the projector checks every event's time).
 */
export function isIsoTimestamp(value: unknown): value is string {
  if (typeof value !== "string" || !ISO_UTC_MILLIS.test(value)) return false;
  const month = digits(value, 5, 2);
  return (
    month >= 1 &&
    month <= 12 &&
    digits(value, 8, 2) >= 1 &&
    digits(value, 8, 2) <= daysIn(digits(value, 0, 4), month) &&
    digits(value, 11, 2) <= 23 &&
    digits(value, 14, 2) <= 59 &&
    digits(value, 17, 2) <= 59
  );
}

/** The number written by the `length` ASCII digits of `s` from `at`. */
function digits(s: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
