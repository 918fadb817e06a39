/**
 * The one shape of a log line, for both workers: a JSON object `{ level, worker, msg, ...fields }` on one line.
 * Errors go to `console.error`, the rest to `console.log`. Every string in a line, nested ones included, is
 * bounded, so no field (an upstream error quoting a whole command, say) can make a line large.
 */

export type Worker = "command" | "projector";
export type Level = "info" | "error";

/** Longest string a log line keeps of any one field. */
export const MAX_LOGGED_CHARS = 1000;

/** Cuts `text` to `max` characters (never inside a surrogate pair), saying how long it was. */
export function bounded(text: string, max = MAX_LOGGED_CHARS): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]$/.test(text.slice(0, max)) ? max - 1 : max;
  return `${text.slice(0, cut)}… (${text.length} characters)`;
}

/** Writes one log line. `fields` may not override `level`, `worker` or `msg`. */
export function logLine(
  worker: Worker,
  level: Level,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  // level, worker and msg lead the line and keep their values whatever `fields` holds.
  const entry = Object.assign({ level, worker, msg }, fields, { level, worker, msg });
  const line = JSON.stringify(entry, (_key, value: unknown) =>
    typeof value === "string" ? bounded(value) : value,
  );
  if (level === "error") console.error(line);
  else console.log(line);
}

/** A logger bound to a worker and to fields every line carries (a request id, say). */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The same logger, with more fields on every line. */
  with(fields: Record<string, unknown>): Logger;
}

export function createLogger(worker: Worker, context: Record<string, unknown> = {}): Logger {
  return {
    info: (msg, fields) => logLine(worker, "info", msg, { ...context, ...fields }),
    error: (msg, fields) => logLine(worker, "error", msg, { ...context, ...fields }),
    with: (fields) => createLogger(worker, { ...context, ...fields }),
  };
}

/** An error as log fields: name, message and a bounded stack; anything else as a string. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack?.slice(0, 4 * MAX_LOGGED_CHARS) };
  }
  return { value: String(error) };
}
