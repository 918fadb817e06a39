/**
 * The dead-letter queue: messages whose retries ran out or whose destination answered 489 with
 * `Upstash-NonRetryable-Error: true`. Listed by `GET /v2/dlq` as `{messages:[...]}`.
 */
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

export class DeadLetterQueue {
  private entries = new Map<string, DlqEntry>();

  add(message: QStashMessage, response: LastResponse): DlqEntry {
    const entry = { dlqId: randomId(`${Date.now()}-`, 12), message, response };
    this.entries.set(entry.dlqId, entry);
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  delete(dlqId: string): boolean {
    return this.entries.delete(dlqId);
  }

  /** Oldest first, filtered by `dlqIds`, `messageId`, `url`, `topicName` and `queueName`, limited by `count`. */
  list(query: URLSearchParams): Array<Record<string, unknown>> {
    const ids = new Set(query.getAll("dlqIds"));
    const want = (name: string, value: string | undefined) => {
      const q = query.get(name);
      return q === null || q === value;
    };
    const count = Math.max(1, Number(query.get("count") ?? 1000) || 1000);
    return [...this.entries.values()]
      .filter(
        (e) =>
          (ids.size === 0 || ids.has(e.dlqId)) &&
          want("messageId", e.message.messageId) &&
          want("url", e.message.url) &&
          want("topicName", e.message.topicName) &&
          want("queueName", e.message.queueName),
      )
      .slice(0, count)
      .map((e) => ({ ...messagePayload(e.message), dlqId: e.dlqId, ...responseFields(e.response) }));
  }
}
