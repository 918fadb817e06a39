/**
 * What `GET /v2/events` must not show of a message (`Upstash-Redact-Fields`). Delivery is unaffected; only the
 * log hides the fields.
 */

export interface Redaction {
  body: boolean;
  allHeaders: boolean;
  /** Lowercase names of headers to hide. */
  headers: Set<string>;
}

export const REDACTED = "REDACTED";

/** The headers as the log shows them: redacted values replaced, names kept. */
export function redactHeaders(
  headers: Record<string, string>,
  redaction: Redaction | undefined,
): Record<string, string> {
  if (!redaction) return headers;
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      redaction.allHeaders || redaction.headers.has(name.toLowerCase()) ? REDACTED : value,
    ]),
  );
}
