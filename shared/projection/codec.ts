/**
 * How everything the projection and the write guards store is written and read back: task states, history
 * entries, dead letters, rejected events, stop records, reservation tokens and committed writes. Every reader goes
 * through here, so no caller re-parses stored JSON; what is read back is validated, never cast.
 */
import { type EventEnvelope, isJsonRecord, type Task, type TaskState } from "../domain";
import { UpstreamError } from "../errors";
import type { Position } from "../event-log/port";

/** Longest reason kept for a dead letter, a rejected event or a stop: they are shown publicly. */
export const MAX_REASON_CHARS = 200;

/** Largest part of a poison record's value kept in a dead letter (shown only to an admin). */
export const DEAD_LETTER_VALUE_CHARS = 2048;

/** Cuts a reason to MAX_REASON_CHARS. */
export function boundReason(reason: string): string {
  return reason.length <= MAX_REASON_CHARS ? reason : `${reason.slice(0, MAX_REASON_CHARS - 1)}…`;
}

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

/** A record the fold could not decode, skipped; `value` is the start of its raw text. */
export interface DeadLetter extends Position {
  reason: string;
  value: string;
  /** The log's timestamp of the record (epoch ms). */
  loggedAt: number;
}

/** An event that decoded but no longer applied (a racing write), recorded instead of folded. */
export interface RejectedEvent extends Position {
  eventId: string;
  type: string;
  taskId: string;
  reason: string;
}

/** Why a partition is not being folded past `offset`, since when (ISO). */
export interface PartitionStop {
  offset: number;
  reason: string;
  since: string;
}

/** A write the log acknowledged, as its writer decided it. */
export interface CommittedWrite {
  version: number;
  state: TaskState;
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
    typeof parsed.deletedAt === "string"
  ) {
    return { status: "deleted", id: parsed.id, version: parsed.version, deletedAt: parsed.deletedAt };
  }
  throw new UpstreamError("redis", "the projection holds a malformed task state");
}

export function encodeHistoryEntry(event: EventEnvelope, position: Position): string {
  const { eventId, type, version, occurredAt } = event;
  const text = "text" in event.data ? event.data.text : undefined;
  return JSON.stringify(
    historyEntry({ ...position, eventId, type, version, occurredAt }, text, event.metadata.idempotencyKey),
  );
}

/** A stored history entry; anything malformed is an UpstreamError. */
export function decodeHistoryEntry(raw: unknown): HistoryEntry {
  const v = storedObject(raw);
  if (v === undefined || !isHistoryFields(v))
    throw new UpstreamError("redis", "the projection holds a malformed history entry");
  const text = isJsonRecord(v.data) && typeof v.data.text === "string" ? v.data.text : undefined;
  const key = isJsonRecord(v.metadata) ? v.metadata.idempotencyKey : undefined;
  return historyEntry(v, text, typeof key === "string" ? key : undefined);
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

export function encodeDeadLetter(letter: DeadLetter): string {
  return JSON.stringify({
    partition: letter.partition,
    offset: letter.offset,
    reason: boundReason(letter.reason),
    value: letter.value.slice(0, DEAD_LETTER_VALUE_CHARS),
    loggedAt: letter.loggedAt,
  } satisfies DeadLetter);
}

/** A stored dead letter (its reason cut to the bound), or undefined when it is not one. */
export function decodeDeadLetter(raw: unknown): DeadLetter | undefined {
  const problem = decodeProblem(raw);
  if (problem === undefined) return undefined;
  const { fields, ...shown } = problem;
  return {
    ...shown,
    value: text(fields.value),
    loggedAt: typeof fields.loggedAt === "number" ? fields.loggedAt : 0,
  };
}

export function encodeRejectedEvent(rejected: RejectedEvent): string {
  return JSON.stringify({
    partition: rejected.partition,
    offset: rejected.offset,
    eventId: rejected.eventId,
    type: rejected.type,
    taskId: rejected.taskId,
    reason: boundReason(rejected.reason),
  } satisfies RejectedEvent);
}

/** A stored rejected event (its reason cut to the bound), or undefined when it is not one. */
export function decodeRejectedEvent(raw: unknown): RejectedEvent | undefined {
  const problem = decodeProblem(raw);
  if (problem === undefined) return undefined;
  const { fields, ...shown } = problem;
  return { ...shown, eventId: text(fields.eventId), type: text(fields.type), taskId: text(fields.taskId) };
}

/** What every stored problem (dead letter, rejected event) has: its position and its reason, cut to the bound. */
function decodeProblem(
  raw: unknown,
): (Position & { reason: string; fields: Record<string, unknown> }) | undefined {
  const v = storedObject(raw);
  if (v === undefined || typeof v.partition !== "number" || typeof v.offset !== "number") return undefined;
  return { partition: v.partition, offset: v.offset, reason: boundReason(text(v.reason)), fields: v };
}

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** A stop record as the fold script writes it (cjson, same fields). */
export function encodeStop(stop: PartitionStop): string {
  return JSON.stringify({ offset: stop.offset, reason: stop.reason, since: stop.since });
}

/** A stored stop record; anything else is ignored rather than shown. */
export function decodeStop(raw: unknown): PartitionStop | undefined {
  const v = storedObject(raw);
  if (v === undefined) return undefined;
  const { offset, reason, since } = v;
  if (typeof offset !== "number" || typeof reason !== "string" || typeof since !== "string") return undefined;
  return { offset, reason, since };
}

/** What a writer's reservation holds: the version it reserved and its own nonce. */
export function reservationToken(version: number, nonce: string): string {
  return `${version}:${nonce}`;
}

/** The version in a reservation token (`<version>:<nonce>`); 0 when none is held. */
export function reservedVersion(raw: unknown): number {
  if (raw === null || raw === undefined) return 0;
  return toInt(String(raw).split(":", 1)[0]);
}

/** A committed write as stored: its reservation token, then the state's JSON. */
export function encodeCommitted(token: string, state: TaskState): string {
  return `${token}:${encodeState(state)}`;
}

/** A committed write as stored (`<version>:<nonce>:<state JSON>`); undefined when none is. */
export function decodeCommitted(raw: unknown): CommittedWrite | undefined {
  if (raw === null || raw === undefined) return undefined;
  const m = /^(\d+):[^:]*:([\s\S]*)$/.exec(String(raw));
  if (!m) throw new UpstreamError("redis", "the projection holds a malformed committed write");
  return { version: toInt(m[1]), state: decodeState(m[2]) };
}

/** The stop records of a `stopped` hash (partition → stop record); records that are not one are left out. */
export function decodeStops(pairs: Iterable<[string | number, unknown]>): Map<number, PartitionStop> {
  const out = new Map<number, PartitionStop>();
  for (const [partition, raw] of pairs) {
    const stop = decodeStop(raw);
    if (stop) out.set(Number(partition), stop);
  }
  return out;
}

/** Stored dead letters and rejected events; an entry that is not one (never written so) is left out, not shown. */
export function decodeProblems(
  dead: readonly unknown[],
  rejected: readonly unknown[],
): { dead: DeadLetter[]; rejected: RejectedEvent[] } {
  return { dead: decodedAll(dead, decodeDeadLetter), rejected: decodedAll(rejected, decodeRejectedEvent) };
}

function decodedAll<T>(raws: readonly unknown[], decode: (raw: unknown) => T | undefined): T[] {
  const out: T[] = [];
  for (const raw of raws) {
    const entry = decode(raw);
    if (entry !== undefined) out.push(entry);
  }
  return out;
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
