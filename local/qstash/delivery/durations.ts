/**
 * Durations as QStash headers spell them: `10s`, `5m`, `1h`, `1d10h30m`, `1.5s` (units ms, s, m, h, d,
 * Go style plus days), and the wait hints a destination may answer with.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Parses a duration into milliseconds; throws on anything else (bare numbers included: the unit is required). */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) throw new Error(`"${text}" is not a duration like 10s, 5m, 1h or 1d10h30m`);
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) {
    total += Number(amount) * (UNIT_MS[unit ?? ""] ?? 0);
  }
  if (!Number.isFinite(total)) throw new Error(`"${text}" is too long a duration`);
  return total;
}

/** Epoch seconds start here; smaller plain numbers are relative seconds. */
const EPOCH_SECONDS_FLOOR = 1_000_000_000;

/**
 * Reads `Retry-After` / `X-RateLimit-Reset*` style values (relative seconds, epoch seconds, an HTTP date or
 * a Go duration such as `6m5s`) as milliseconds from `nowMs`. Undefined when the value is none of these.
 */
export function parseWaitHint(value: string, nowMs: number): number | undefined {
  const v = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(v)) {
    const n = Number(v);
    // Rate-limit reset headers often carry a timestamp rather than a delay.
    return n >= EPOCH_SECONDS_FLOOR ? Math.max(0, n * 1000 - nowMs) : n * 1000;
  }
  if (WHOLE.test(v)) return parseDuration(v);
  const date = Date.parse(v);
  if (!Number.isNaN(date) && /[a-z]/i.test(v)) return Math.max(0, date - nowMs);
  return undefined;
}
