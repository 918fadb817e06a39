/**
 * `Upstash-Redact-Fields` (`body`, `header`, `header[Name]`, comma-separated): what `GET /v2/events` must not
 * show of a message. Delivery is unaffected; only the log hides the fields.
 */
import { badRequest } from "../errors";

export interface Redaction {
  body: boolean;
  allHeaders: boolean;
  /** Lowercase names of headers to hide. */
  headers: Set<string>;
}

export const REDACTED = "REDACTED";

export function parseRedactFields(value: string): Redaction {
  const redaction: Redaction = { body: false, allHeaders: false, headers: new Set() };
  for (const raw of value.split(",")) {
    const part = raw.trim();
    const named = /^header\[([^\]]+)\]$/.exec(part);
    if (part === "body") redaction.body = true;
    else if (part === "header") redaction.allHeaders = true;
    else if (named?.[1]) redaction.headers.add(named[1].toLowerCase());
    else
      throw badRequest(
        `invalid Upstash-Redact-Fields header "${value}": expected body, header or header[Name], comma-separated`,
      );
  }
  return redaction;
}

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
