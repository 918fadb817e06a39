/**
 * The dead-letter queue: messages whose retries ran out or whose destination answered 489 with
 * `Upstash-NonRetryable-Error: true`. Listed by `GET /v2/dlq` as `{messages, cursor?}`, selected for bulk
 * delete and retry by ids, by filter or all, oldest first.
 */
import { badRequest } from "../errors";
import { type Filter, messageSubject } from "./filters";
import { randomId } from "./ids";
import { bodyFields, canonicalHeaderName, messagePayload, type QStashMessage } from "./message";

export interface LastResponse {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: Buffer;
  error?: string;
}

export interface DlqEntry {
  dlqId: string;
  message: QStashMessage;
  response: LastResponse;
  /** Unix ms when the message was dead-lettered (what fromDate and toDate compare). */
  time: number;
}

function responseFields(r: LastResponse): Record<string, unknown> {
  const header: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    if (value === undefined) continue;
    header[canonicalHeaderName(name)] = Array.isArray(value) ? value : [value];
  }
  const body = r.body ? bodyFields(r.body) : undefined;
  return {
    ...(r.status !== undefined && { responseStatus: r.status }),
    ...(r.headers && { responseHeader: header }),
    ...(body && "body" in body && { responseBody: body.body }),
    ...(body && "bodyBase64" in body && { responseBodyBase64: body.bodyBase64 }),
    ...(r.error !== undefined && { error: r.error }),
  };
}

/** The JSON shape of one DLQ entry. */
export function dlqPayload(e: DlqEntry): Record<string, unknown> {
  return { ...messagePayload(e.message), dlqId: e.dlqId, ...responseFields(e.response) };
}

/** A page of entries and the cursor of the next page, if any. */
export interface DlqPage {
  entries: DlqEntry[];
  cursor?: string;
}

export class DeadLetterQueue {
  private entries = new Map<string, DlqEntry>();

  add(message: QStashMessage, response: LastResponse): DlqEntry {
    const now = Date.now();
    const entry = { dlqId: randomId(`${now}-`, 12), message, response, time: now };
    this.entries.set(entry.dlqId, entry);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  delete(dlqId: string): boolean {
    return this.entries.delete(dlqId);
  }

  /**
   * Matching entries, oldest first, from `cursor` (an offset this method returned) for at most `count`.
   * Actions that remove what they select pass no cursor: what they handled is gone, so they start over.
   */
  select(filter: Filter, count: number, cursor: string | null = null): DlqPage {
    if (cursor !== null && !/^\d+$/.test(cursor))
      throw badRequest(`invalid cursor "${cursor}": pass back a cursor the DLQ returned`);
    const start = Number(cursor ?? 0);
    const all = [...this.entries.values()].filter((e) =>
      filter.matches({ ...messageSubject(e.message, e.time), dlqId: e.dlqId, ...statusOf(e) }),
    );
    const entries = all.slice(start, start + count);
    return start + count < all.length ? { entries, cursor: String(start + count) } : { entries };
  }
}

function statusOf(e: DlqEntry): { responseStatus?: number } {
  return e.response.status === undefined ? {} : { responseStatus: e.response.status };
}
