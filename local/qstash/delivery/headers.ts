/**
 * The headers QStash sends to a destination (docs/protocols.md#delivery-and-retries): forwarded headers with the
 * `Upstash-Forward-` prefix stripped, the published Content-Type, and QStash's own headers with a fresh
 * signature. No other `Upstash-*` publish header is passed on.
 */
import type { QStashMessage } from "../state/message";
import { signDelivery } from "./signing";

export function deliveryHeaders(
  message: QStashMessage,
  signingKey: string,
  retried: number,
): Record<string, string> {
  // Keyed by lowercase name so that a forwarded header never doubles one that QStash itself sets.
  const headers = new Map<string, [string, string]>();
  const set = (name: string, value: string) => headers.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of message.spec.forward) set(name, value);
  if (message.spec.contentType !== undefined) set("Content-Type", message.spec.contentType);
  set("User-Agent", "Upstash-QStash");
  set("Upstash-Message-Id", message.messageId);
  set("Upstash-Retried", String(retried));
  if (message.topicName !== undefined) set("Upstash-Topic-Name", message.topicName);
  if (message.scheduleId !== undefined) set("Upstash-Schedule-Id", message.scheduleId);
  set("Upstash-Signature", signDelivery({ key: signingKey, url: message.url, body: message.body }));
  return Object.fromEntries(headers.values());
}
