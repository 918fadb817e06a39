/**
 * Cron expressions as QStash schedules take them: five fields (minute, hour, day of month, month, day of
 * week), each `*`, a number, a range `a-b`, a step `*\/n` or `a-b/n`, or a comma list of those, in UTC.
 * As in standard cron, when both day fields are restricted a day matching either one fires. Names (JAN,
 * MON), `?`, `L`, `W`, `#`, seconds and `CRON_TZ=` are refused with a reason rather than guessed.
 */

export interface Cron {
  /** The expression, whitespace normalised (what `GET /v2/schedules` shows). */
  text: string;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Whether day of month / day of week were restricted (not `*`). */
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
}

const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 0, max: 7 },
] as const;

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`${field.name} "${part}" is not a number, range, step or *`);
    const lo = m[1] === "*" ? field.min : Number(m[2]);
    const hi =
      m[1] === "*" ? field.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? field.max : lo;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (lo < field.min || hi > field.max || lo > hi)
      throw new Error(`${field.name} "${part}" is outside ${field.min}-${field.max}`);
    if (step < 1) throw new Error(`${field.name} "${part}" has a step below 1`);
    for (let v = lo; v <= hi; v += step) values.add(field.name === "day of week" && v === 7 ? 0 : v);
  }
  return values;
}

/** Parses an expression; throws with the reason when it is malformed or uses an unsupported feature. */
export function parseCron(expression: string): Cron {
  const text = expression.trim().replace(/\s+/g, " ");
  if (text.startsWith("CRON_TZ=") || text.startsWith("TZ="))
    throw new Error("time zones are not supported by the emulator: schedules run in UTC");
  const parts = text.split(" ");
  if (parts.length !== 5)
    throw new Error(`expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minute = "", hour = "", day = "", month = "", weekday = ""] = parts;
  const cron: Cron = {
    text,
    minutes: parseField(minute, FIELDS[0]),
    hours: parseField(hour, FIELDS[1]),
    days: parseField(day, FIELDS[2]),
    months: parseField(month, FIELDS[3]),
    weekdays: parseField(weekday, FIELDS[4]),
    daysRestricted: day !== "*",
    weekdaysRestricted: weekday !== "*",
  };
  if (nextRun(cron, Date.UTC(2000, 0, 1)) === undefined) throw new Error("the expression never fires");
  return cron;
}

function dayMatches(cron: Cron, d: Date): boolean {
  const dom = cron.days.has(d.getUTCDate());
  const dow = cron.weekdays.has(d.getUTCDay());
  if (cron.daysRestricted && cron.weekdaysRestricted) return dom || dow;
  return dom && dow;
}

const MINUTE = 60_000;
/** Leap days repeat every 4 years (28 covers the weekday cycle too); past that nothing will ever match. */
const HORIZON_MS = 28 * 366 * 86_400_000;

/** The first whole UTC minute strictly after `afterMs` that the expression matches, in unix ms. */
export function nextRun(cron: Cron, afterMs: number): number | undefined {
  const limit = afterMs + HORIZON_MS;
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  while (t <= limit) {
    const d = new Date(t);
    if (!cron.months.has(d.getUTCMonth() + 1) || !dayMatches(cron, d)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    } else if (!cron.hours.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
    } else if (!cron.minutes.has(d.getUTCMinutes())) {
      t += MINUTE;
    } else {
      return t;
    }
  }
  return undefined;
}
