/**
 * `Upstash-Redact-Fields` (`body`, `header`, `header[Name]`, comma-separated): what `GET /v2/events` must not
 * show of a message. Delivery is unaffected; only the log hides the fields.
 */
import { badRequest } from "../errors";
import type { Redaction } from "../state/redaction";

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
