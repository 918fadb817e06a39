/**
 * Callbacks (docs/protocols.md#callbacks): after every attempt, a message with `Upstash-Callback` publishes the
 * outcome to that URL; once it lands in the DLQ, one with `Upstash-Failure-Callback` publishes the same shape
 * plus `dlqId` there. Each is a new message, delivered, signed and retried like any other, with QStash's
 * defaults (POST, JSON, 3 retries) and no callback of its own.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { DlqEntry, LastResponse } from "../state/dlq";
import { canonicalHeaderName, messageHeaders, newMessage, type QStashMessage } from "../state/message";
import { DEFAULT_RETRIES, type PublishSpec } from "../state/spec";

function headerLists(headers: IncomingHttpHeaders | LastResponse["headers"]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[canonicalHeaderName(name)] = Array.isArray(value) ? value : [value];
  }
  return out;
}

/**
 * The callback body. `status` is absent when no response came (network error, timeout), and `error` then
 * says why **[inferred]**: QStash documents only answered attempts.
 */
export function callbackBody(message: QStashMessage, response: LastResponse): Record<string, unknown> {
  return {
    ...(response.status !== undefined && { status: response.status }),
    ...(response.error !== undefined && { error: response.error }),
    header: headerLists(response.headers),
    body: (response.body ?? Buffer.alloc(0)).toString("base64"),
    retried: Math.max(0, message.retried - 1),
    maxRetries: message.spec.retries,
    sourceMessageId: message.messageId,
    ...(message.topicName !== undefined && { topicName: message.topicName }),
    ...(message.endpointName !== undefined && { endpointName: message.endpointName }),
    url: message.url,
    method: message.spec.method,
    sourceHeader: messageHeaders(message),
    sourceBody: message.body.toString("base64"),
    notBefore: message.notBefore,
    createdAt: message.createdAt,
    ...(message.scheduleId !== undefined && { scheduleId: message.scheduleId }),
    ...(message.callerIp !== undefined && { callerIP: message.callerIp }),
  };
}

const CALLBACK_SPEC: Omit<PublishSpec, "labels"> = {
  method: "POST",
  contentType: "application/json",
  forward: [],
  delayMs: 0,
  retries: DEFAULT_RETRIES,
  contentBasedDeduplication: false,
};

function callbackMessage(source: QStashMessage, url: string, body: Record<string, unknown>): QStashMessage {
  return newMessage({
    url,
    spec: { ...CALLBACK_SPEC, labels: [...source.spec.labels] },
    body: Buffer.from(JSON.stringify(body), "utf8"),
    ...(source.callerIp !== undefined && { callerIp: source.callerIp }),
  });
}

/** The callback of one attempt, if the message asked for one. */
export function attemptCallback(message: QStashMessage, response: LastResponse): QStashMessage | undefined {
  const url = message.spec.callback;
  return url === undefined ? undefined : callbackMessage(message, url, callbackBody(message, response));
}

/** The failure callback of a dead-lettered message, if it asked for one. */
export function failureCallback(entry: DlqEntry): QStashMessage | undefined {
  const url = entry.message.spec.failureCallback;
  if (url === undefined) return undefined;
  return callbackMessage(entry.message, url, {
    ...callbackBody(entry.message, entry.response),
    dlqId: entry.dlqId,
  });
}
