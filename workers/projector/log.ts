/** Longest string a log line keeps of any one field (an upstream error can embed a whole Redis command). */
export const MAX_LOGGED_CHARS = 1000;

/** Cuts `text` to MAX_LOGGED_CHARS, saying how long it was. */
export function bounded(text: string, max = MAX_LOGGED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * One structured JSON log line per step, in the spirit of the original's console output. Every string in it,
 * nested ones included, is bounded, so no field can make a line large.
 */
export function logStep(worker: string, message: string, fields: Record<string, unknown> = {}): void {
  console.log(
    JSON.stringify({ worker, msg: message, ...fields }, (_key, value: unknown) =>
      typeof value === "string" ? bounded(value) : value,
    ),
  );
}
