/** One accepted message: a single delivery target with its own id and retry state. */

import { randomId } from "./ids";
import type { PublishSpec } from "./spec";

export type MessageState = "CREATED" | "ACTIVE" | "RETRY" | "DELIVERED" | "FAILED" | "CANCELED" | "DROPPED";

export interface QStashMessage {
  messageId: string;
  /** The exact destination URL, query string included (also the signature's `sub`). */
  url: string;
  topicName?: string;
  endpointName?: string;
  queueName?: string;
  /** Set on the messages a schedule publishes. */
  scheduleId?: string;
  /** The publisher's address, as QStash reports it. */
  callerIp?: string;
  spec: PublishSpec;
  body: Buffer;
  /** Unix ms. */
  createdAt: number;
  /** Unix ms of the first attempt, as asked (`Upstash-Delay`, `Upstash-Not-Before`). */
  notBefore: number;
  /** Attempts made so far; the next attempt's `Upstash-Retried` value. */
  retried: number;
  state: MessageState;
}

/** Where a message goes: its id, its URL, and the URL group, endpoint, queue and schedule it came through. */
export type MessageAddress = Pick<
  QStashMessage,
  "messageId" | "url" | "topicName" | "endpointName" | "queueName" | "scheduleId"
>;

const ROUTED_BY = ["topicName", "endpointName", "queueName", "scheduleId"] as const;

/** The message's address, with only the optional fields it has. */
export function messageAddress(message: QStashMessage): MessageAddress {
  const address: MessageAddress = { messageId: message.messageId, url: message.url };
  for (const field of ROUTED_BY) {
    const value = message[field];
    if (value !== undefined) address[field] = value;
  }
  return address;
}

export type MessageInit = Omit<
  QStashMessage,
  "messageId" | "createdAt" | "notBefore" | "retried" | "state"
> & {
  notBefore?: number;
};

/** A new message with a fresh id, due at `notBefore` (default: now). */
export function newMessage(init: MessageInit, now = Date.now()): QStashMessage {
  return {
    ...init,
    messageId: randomId("msg_", 28),
    createdAt: now,
    notBefore: init.notBefore ?? now,
    retried: 0,
    state: "CREATED",
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Go-style canonical header name (`x-custom` → `X-Custom`), the form QStash reports headers in. */
export function canonicalHeaderName(name: string): string {
  return name
    .split("-")
    .map((part) => (part === "" ? part : part[0]?.toUpperCase() + part.slice(1).toLowerCase()))
    .join("-");
}

/** The body as UTF-8 text, or as base64 when it is not valid UTF-8 (the `body` / `bodyBase64` pair). */
export function bodyFields(body: Buffer): { body: string } | { bodyBase64: string } {
  try {
    return { body: utf8.decode(body) };
  } catch {
    return { bodyBase64: body.toString("base64") };
  }
}

/** The headers a spec delivers, prefix stripped, as QStash lists them (`Record<string, string[]>`). */
export function specHeaders(spec: PublishSpec): Record<string, string[]> {
  const header: Record<string, string[]> = {};
  for (const [name, value] of spec.forward) {
    const key = canonicalHeaderName(name);
    header[key] = [...(header[key] ?? []), value];
  }
  if (spec.contentType !== undefined) header["Content-Type"] = [spec.contentType];
  return header;
}

/** The headers delivered with the message (see `specHeaders`). */
export function messageHeaders(message: QStashMessage): Record<string, string[]> {
  return specHeaders(message.spec);
}

/** The flow-control, retry-delay and label fields QStash shows for a message or a schedule. */
export function specFields(spec: PublishSpec): Record<string, unknown> {
  const fc = spec.flowControl;
  return {
    ...(spec.retryDelay && { retryDelayExpression: spec.retryDelay.expression }),
    ...(spec.callback !== undefined && { callback: spec.callback }),
    ...(spec.failureCallback !== undefined && { failureCallback: spec.failureCallback }),
    ...(fc && {
      flowControlKey: fc.key,
      ...(fc.parallelism !== undefined && { parallelism: fc.parallelism }),
      ...(fc.rate !== undefined && { rate: fc.rate, period: fc.periodMs / 1000 }),
    }),
    ...(spec.labels.length > 0 && { label: spec.labels[0], labels: spec.labels }),
  };
}

/** The JSON shape of `GET /v2/messages/{id}` (and the base of a DLQ entry). */
export function messagePayload(message: QStashMessage): Record<string, unknown> {
  const { spec } = message;
  return {
    messageId: message.messageId,
    ...(message.topicName !== undefined && { topicName: message.topicName }),
    url: message.url,
    ...(message.endpointName !== undefined && { endpointName: message.endpointName }),
    ...(message.queueName !== undefined && { queueName: message.queueName }),
    ...(message.scheduleId !== undefined && { scheduleId: message.scheduleId }),
    ...(message.callerIp !== undefined && { callerIp: message.callerIp }),
    method: spec.method,
    header: messageHeaders(message),
    ...bodyFields(message.body),
    maxRetries: spec.retries,
    notBefore: message.notBefore,
    createdAt: message.createdAt,
    ...specFields(spec),
  };
}
