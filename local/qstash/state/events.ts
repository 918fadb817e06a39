/**
 * Recent delivery events, as `GET /v2/events` lists them (newest first, `{events, cursor?}`). States follow
 * QStash (CREATED, ACTIVE, RETRY, DELIVERED, FAILED, CANCELED) plus DROPPED, the emulator's record of a
 * delivery that an injected `drop` fault swallowed. Each event shows the message's labels, headers and body
 * (base64), minus what `Upstash-Redact-Fields` hides.
 */
import { badRequest } from "../errors";
import { countParam, EVENT_FILTERS, type FilterSubject, messageSubject, parseFilter } from "./filters";
import {
  canonicalHeaderName,
  type MessageAddress,
  type MessageState,
  messageAddress,
  type QStashMessage,
} from "./message";
import { redactHeaders } from "./redaction";

export interface DeliveryEvent extends MessageAddress {
  /** Unix ms. */
  time: number;
  state: MessageState;
  /** The first label (QStash's legacy field) and all of them. */
  label?: string;
  labels?: string[];
  flowControlKey?: string;
  header: Record<string, string>;
  /** base64, absent when redacted. */
  body?: string;
  /** The attempt's `Upstash-Retried` value, for attempt-related states. */
  retried?: number;
  nextDeliveryTime?: number;
  responseStatus?: number;
  error?: string;
}

export type EventDetails = Pick<
  DeliveryEvent,
  "retried" | "nextDeliveryTime" | "responseStatus" | "error"
> & {
  /** When the event happened (default now); pass the instant a `nextDeliveryTime` was computed from. */
  time?: number;
};

const KEEP = 10_000;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

function loggedHeaders(message: QStashMessage): Record<string, string> {
  const header: Record<string, string> = {};
  for (const [name, value] of message.spec.forward) {
    const key = canonicalHeaderName(name);
    header[key] = header[key] === undefined ? value : `${header[key]}, ${value}`;
  }
  if (message.spec.contentType !== undefined) header["Content-Type"] = message.spec.contentType;
  return redactHeaders(header, message.spec.redact);
}

export class EventLog {
  private events: Array<{ event: DeliveryEvent; subject: FilterSubject }> = [];

  record(message: QStashMessage, state: MessageState, details: EventDetails = {}): DeliveryEvent {
    const { time = Date.now(), ...rest } = details;
    const { labels, flowControl, redact } = message.spec;
    const event: DeliveryEvent = {
      time,
      state,
      ...messageAddress(message),
      ...(labels.length > 0 && { label: labels[0], labels }),
      ...(flowControl && { flowControlKey: flowControl.key }),
      header: loggedHeaders(message),
      ...(!redact?.body && { body: message.body.toString("base64") }),
      ...rest,
    };
    this.events.push({ event, subject: { ...messageSubject(message, time), state } });
    // Trim in chunks so that a busy emulator does not copy the array on every event.
    if (this.events.length > KEEP * 1.1) this.events = this.events.slice(-KEEP);
    return event;
  }

  /** Newest first, filtered by the query (see `EVENT_FILTERS`), paged by count (default 100) and cursor. */
  list(query: URLSearchParams): { events: DeliveryEvent[]; cursor?: string } {
    const filter = parseFilter(query, EVENT_FILTERS, "GET /v2/events");
    const all = this.events.filter((e) => filter.matches(e.subject)).reverse();
    const cursor = query.get("cursor");
    if (cursor !== null && !/^\d+$/.test(cursor))
      throw badRequest(`invalid cursor "${cursor}": pass back a cursor this endpoint returned`);
    const start = Number(cursor ?? 0);
    const count = countParam(query, DEFAULT_PAGE, MAX_PAGE);
    const page = all.slice(start, start + count).map((e) => e.event);
    return start + count < all.length ? { events: page, cursor: String(start + count) } : { events: page };
  }
}
