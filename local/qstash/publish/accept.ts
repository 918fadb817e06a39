/**
 * Accepting a publish (docs/protocols.md#publishing): resolve the destination to its delivery targets (one URL,
 * or every endpoint of a URL group), drop duplicates within the dedup window, and hand each new message to
 * the scheduler. Preparing validates everything first, so a refused request (or batch) accepts nothing.
 */
import type { EmulatorResponse } from "../../common/emulator";
import type { DeliveryScheduler } from "../delivery/scheduler";
import { type DedupStore, dedupKeys } from "../state/dedup";
import { newMessage } from "../state/message";
import { checkQueueName, type QueueStore } from "../state/queues";
import type { PublishSpec } from "../state/spec";
import type { UrlGroupStore } from "../state/url-groups";
import { parseDestination } from "./destination";
import { type HeaderBag, parsePublishHeaders } from "./headers";

export interface PublishContext {
  groups: UrlGroupStore;
  queues: QueueStore;
  dedup: DedupStore;
  scheduler: DeliveryScheduler;
}

export interface PublishInput {
  /** URL (query string included) or URL group name, exactly as received. */
  destination: string;
  headers: HeaderBag;
  body: Buffer;
  queueName?: string;
  callerIp?: string;
  /** Set when a schedule publishes. */
  scheduleId?: string;
  /** `Upstash-*` headers the caller reads itself (the schedule headers). */
  extraHeaders?: readonly string[];
}

interface Target {
  url: string;
  topicName?: string;
  endpointName?: string;
}

export interface PreparedPublish {
  kind: "url" | "group";
  spec: PublishSpec;
  targets: Target[];
  body: Buffer;
  queueName?: string;
  callerIp?: string;
  scheduleId?: string;
}

export interface PublishItem {
  messageId: string;
  url: string;
  deduplicated?: true;
}

export type PublishOutcome = { kind: "url"; item: PublishItem } | { kind: "group"; items: PublishItem[] };

/** Validates a publish and resolves its targets; throws a `QStashRequestError` (400 or 404) when refused. */
export function preparePublish(ctx: PublishContext, input: PublishInput): PreparedPublish {
  const destination = parseDestination(input.destination);
  const spec = parsePublishHeaders(input.headers, input.extraHeaders);
  if (input.queueName !== undefined) checkQueueName(input.queueName);
  const targets: Target[] =
    destination.kind === "url"
      ? [{ url: destination.url }]
      : ctx.groups.get(destination.name).endpoints.map((e) => ({
          url: e.url,
          topicName: destination.name,
          ...(e.name !== undefined && { endpointName: e.name }),
        }));
  return {
    kind: destination.kind,
    spec,
    targets,
    body: input.body,
    ...(input.queueName !== undefined && { queueName: input.queueName }),
    ...(input.callerIp !== undefined && { callerIp: input.callerIp }),
    ...(input.scheduleId !== undefined && { scheduleId: input.scheduleId }),
  };
}

/**
 * When the first attempt is due: `Upstash-Not-Before` wins over `Upstash-Delay`. Both are honoured as asked:
 * the emulator's time scale shortens retry backoff only, so a delayed message arrives when the client expects.
 */
function firstAttemptAt(spec: PublishSpec, now: number): number {
  return spec.notBefore !== undefined ? Math.max(now, spec.notBefore * 1000) : now + spec.delayMs;
}

/** Accepts a prepared publish: one message per target not deduplicated. */
export function commitPublish(ctx: PublishContext, prepared: PreparedPublish): PublishOutcome {
  const now = Date.now();
  if (prepared.queueName !== undefined) ctx.queues.ensure(prepared.queueName, now);
  const items = prepared.targets.map((target): PublishItem => {
    const keys = dedupKeys(prepared.spec, target, prepared.body);
    const existing = ctx.dedup.find(keys, now);
    if (existing !== undefined) return { messageId: existing, url: target.url, deduplicated: true };
    const message = newMessage(
      {
        ...target,
        ...(prepared.queueName !== undefined && { queueName: prepared.queueName }),
        ...(prepared.callerIp !== undefined && { callerIp: prepared.callerIp }),
        ...(prepared.scheduleId !== undefined && { scheduleId: prepared.scheduleId }),
        spec: prepared.spec,
        body: prepared.body,
        notBefore: Math.round(firstAttemptAt(prepared.spec, now)),
      },
      now,
    );
    ctx.dedup.remember(keys, message.messageId, now);
    ctx.scheduler.add(message);
    return { messageId: message.messageId, url: target.url };
  });
  return prepared.kind === "url" && items[0] ? { kind: "url", item: items[0] } : { kind: "group", items };
}

/** The JSON value for an outcome: an object for a URL, an array for a group (also the batch item shape). */
export function outcomeBody(outcome: PublishOutcome): PublishItem | PublishItem[] {
  return outcome.kind === "url" ? outcome.item : outcome.items;
}

/** Publish and enqueue answer 202 when nothing new was accepted (every target deduplicated), else 200. */
export function publishResponse(outcome: PublishOutcome): EmulatorResponse {
  const items = outcome.kind === "url" ? [outcome.item] : outcome.items;
  const status = items.length > 0 && items.every((i) => i.deduplicated) ? 202 : 200;
  return { status, body: outcomeBody(outcome) };
}
