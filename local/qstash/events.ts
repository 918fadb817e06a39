/**
 * Recent delivery events, as `GET /v2/events` lists them (newest first, `{events, cursor?}`). States follow
 * QStash (CREATED, ACTIVE, RETRY, DELIVERED, FAILED, CANCELED) plus DROPPED, the emulator's record of a
 * delivery that an injected `drop` fault swallowed.
 */
import type { MessageState, QStashMessage } from "./message";

export interface DeliveryEvent {
  /** Unix ms. */
  time: number;
  state: MessageState;
  messageId: string;
  url: string;
  topicName?: string;
  endpointName?: string;
  queueName?: string;
  /** The attempt's `Upstash-Retried` value, for attempt-related states. */
  retried?: number;
  nextDeliveryTime?: number;
  responseStatus?: number;
  error?: string;
}

export type EventDetails = Pick<DeliveryEvent, "retried" | "nextDeliveryTime" | "responseStatus" | "error">;

const KEEP = 10_000;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

export class EventLog {
  private events: DeliveryEvent[] = [];

  record(message: QStashMessage, state: MessageState, details: EventDetails = {}): DeliveryEvent {
    const event: DeliveryEvent = {
      time: Date.now(),
      state,
      messageId: message.messageId,
      url: message.url,
      ...(message.topicName !== undefined && { topicName: message.topicName }),
      ...(message.endpointName !== undefined && { endpointName: message.endpointName }),
      ...(message.queueName !== undefined && { queueName: message.queueName }),
      ...details,
    };
    this.events.push(event);
    // Trim in chunks so that a busy emulator does not copy the array on every event.
    if (this.events.length > KEEP * 1.1) this.events = this.events.slice(-KEEP);
    return event;
  }

  /**
   * Newest first, filtered by the query parameters the client sends: messageId(s), state, url, topicName,
   * queueName; paged by count (default 100) and an opaque cursor.
   */
  list(query: URLSearchParams): { events: DeliveryEvent[]; cursor?: string } {
    const ids = new Set([...query.getAll("messageId"), ...query.getAll("messageIds")]);
    const fields = ["state", "url", "topicName", "queueName"] as const;
    const matches = (e: DeliveryEvent) =>
      (ids.size === 0 || ids.has(e.messageId)) &&
      fields.every((f) => {
        const want = query.get(f);
        return want === null || e[f] === want;
      });
    const all = this.events.filter(matches).reverse();
    const start = Math.max(0, Number(query.get("cursor") ?? 0) || 0);
    const count = Math.min(MAX_PAGE, Math.max(1, Number(query.get("count") ?? DEFAULT_PAGE) || DEFAULT_PAGE));
    const page = all.slice(start, start + count);
    return start + count < all.length ? { events: page, cursor: String(start + count) } : { events: page };
  }
}
