/**
 * How the projection's task data is written and read back: task states, history entries and counters, and the
 * readers every stored value goes through (`storedObject`, `toInt`). What the fold could not fold is in
 * problems.ts, the write guards' own records in shared/write-guard/codec.ts. No caller re-parses stored JSON; what
 * is read back is validated, never cast.
 */
import {
  type EventEnvelope,
  isJsonRecord,
  isSealedPayload,
  isUuid,
  ownPayload,
  sealedRef,
  type Task,
  type TaskState,
} from "../domain";
import { UpstreamError } from "../errors";
import type { Position } from "../event-log/port";

/**
 * One applied event of a task's audit trail: its id, type, version, time, position, the text it set, and the
 * idempotency key it was appended under (a retried request looks for it). The rest of the event is in the log.
 */
export interface HistoryEntry extends Position {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string;
  data?: { text: string };
  metadata?: { idempotencyKey: string };
}

function isTask(v: unknown): v is Task {
  return (
    isJsonRecord(v) &&
    typeof v.id === "string" &&
    typeof v.text === "string" &&
    typeof v.done === "boolean" &&
    typeof v.createdAt === "string" &&
    typeof v.updatedAt === "string" &&
    typeof v.version === "number" &&
    (v.listId === undefined || typeof v.listId === "string")
  );
}

/** Stored JSON as an object whose fields are still to be checked, or undefined when it is not a JSON object. */
export function storedObject(raw: unknown): Record<string, unknown> | undefined {
  if (isJsonRecord(raw)) return raw;
  try {
    const parsed: unknown = JSON.parse(String(raw));
    return isJsonRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function encodeState(state: TaskState): string {
  return JSON.stringify(state);
}

/** A stored task state; nothing stored is `absent`; anything malformed is an UpstreamError. */
export function decodeState(raw: unknown): TaskState {
  if (raw === null || raw === undefined) return { status: "absent" };
  let parsed: unknown;
  try {
    parsed = typeof raw === "string" ? JSON.parse(raw) : raw;
  } catch {
    throw new UpstreamError("redis", "the projection holds a task state that is not JSON");
  }
  if (isJsonRecord(parsed) && parsed.status === "active" && isTask(parsed.task)) {
    return { status: "active", task: parsed.task };
  }
  if (
    isJsonRecord(parsed) &&
    parsed.status === "deleted" &&
    typeof parsed.id === "string" &&
    typeof parsed.version === "number" &&
    typeof parsed.deletedAt === "string" &&
    (parsed.listId === undefined || typeof parsed.listId === "string")
  ) {
    const { id, version, deletedAt, listId } = parsed;
    return { status: "deleted", id, version, deletedAt, ...(listId === undefined ? {} : { listId }) };
  }
  throw new UpstreamError("redis", "the projection holds a malformed task state");
}

/**
 * The history entry of `event` at `position`, encoded as stored: the fields of {@link historyEntry} in its order,
 * built as one object literal of one shape whatever is absent (JSON.stringify leaves a field that is undefined
 * out), since the fold encodes one per event. A text sealed by the event itself is stored as `data.sealed`, its
 * ciphertext alone, as the log holds it: the entry's `eventId` is the rest of its reference.
 */
export function encodeHistoryEntry(event: EventEnvelope, position: Position): string {
  const text = "text" in event.data ? event.data.text : undefined;
  const sealed = text === undefined ? undefined : ownPayload(text, event.eventId);
  const idempotencyKey = event.metadata.idempotencyKey;
  return JSON.stringify({
    partition: position.partition,
    offset: position.offset,
    eventId: event.eventId,
    type: event.type,
    version: event.version,
    occurredAt: event.occurredAt,
    data: text === undefined ? undefined : sealed === undefined ? { text } : { sealed },
    metadata: idempotencyKey === undefined ? undefined : { idempotencyKey },
  });
}

/** A stored history entry; anything malformed is an UpstreamError. */
export function decodeHistoryEntry(raw: unknown): HistoryEntry {
  const v = storedObject(raw);
  if (v === undefined || !isHistoryFields(v))
    throw new UpstreamError("redis", "the projection holds a malformed history entry");
  const text = isJsonRecord(v.data) ? entryText(v.data, v.eventId) : undefined;
  const key = isJsonRecord(v.metadata) ? v.metadata.idempotencyKey : undefined;
  return historyEntry(v, text, typeof key === "string" ? key : undefined);
}

/** An entry's text: its words or sealed reference (`data.text`), or its own event's ciphertext (`data.sealed`). */
function entryText(data: Record<string, unknown>, eventId: string): string | undefined {
  if (data.sealed === undefined) return typeof data.text === "string" ? data.text : undefined;
  if (!isSealedPayload(data.sealed) || !isUuid(eventId) || data.text !== undefined)
    throw new UpstreamError("redis", "the projection holds a malformed history entry");
  return sealedRef(eventId, data.sealed);
}

type HistoryFields = Omit<HistoryEntry, "data" | "metadata">;

function isHistoryFields(v: Record<string, unknown>): v is Record<string, unknown> & HistoryFields {
  return (
    typeof v.partition === "number" &&
    typeof v.offset === "number" &&
    typeof v.eventId === "string" &&
    typeof v.type === "string" &&
    typeof v.version === "number" &&
    typeof v.occurredAt === "string"
  );
}

/** A history entry of exactly its fields, in the order they are stored. */
function historyEntry(fields: HistoryFields, text?: string, idempotencyKey?: string): HistoryEntry {
  return {
    partition: fields.partition,
    offset: fields.offset,
    eventId: fields.eventId,
    type: fields.type,
    version: fields.version,
    occurredAt: fields.occurredAt,
    ...(text !== undefined && { data: { text } }),
    ...(idempotencyKey !== undefined && { metadata: { idempotencyKey } }),
  };
}

/**
 * The projection's counters as stored (a hash): `applied`, `rejected`, `dead`, `dead:<partition>`, `batches` (fold
 * batches applied) and `lost` (folds that lost the checkpoint compare-and-set).
 */
export function decodeCounters(fields: Iterable<[string, unknown]>) {
  const counters = new Map(fields);
  const deadByPartition = new Map<number, number>();
  for (const [name, value] of counters) {
    const partition = /^dead:(\d+)$/.exec(name)?.[1];
    if (partition !== undefined) deadByPartition.set(Number(partition), toInt(value));
  }
  return {
    applied: toInt(counters.get("applied")),
    rejected: toInt(counters.get("rejected")),
    dead: toInt(counters.get("dead")),
    deadByPartition,
    folds: { applied: toInt(counters.get("batches")), lost: toInt(counters.get("lost")) },
  };
}

/** A stored number (a checkpoint, a counter); `fallback` when absent or not a number. */
export function toInt(raw: unknown, fallback = 0): number {
  if (raw === null || raw === undefined) return fallback;
  const n = typeof raw === "number" ? raw : Number(raw);
  return Number.isFinite(n) ? n : fallback;
}
