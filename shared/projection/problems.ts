/**
 * What the fold could not fold, as stored and shown: dead letters (records it could not decode), rejected events
 * (events that no longer applied) and stop records (where a partition waits). Their reasons are shown publicly, so
 * they are cut to a bound on the way in and again on the way out; an entry that is not one is left out, not shown.
 */
import type { Position } from "../event-log/port";
import { storedObject } from "./codec";

/** Longest reason kept for a dead letter, a rejected event or a stop: they are shown publicly. */
export const MAX_REASON_CHARS = 200;

/** Largest part of a poison record's value kept in a dead letter (shown only to an admin). */
export const DEAD_LETTER_VALUE_CHARS = 2048;

/** Cuts a reason to MAX_REASON_CHARS. */
export function boundReason(reason: string): string {
  return reason.length <= MAX_REASON_CHARS ? reason : `${reason.slice(0, MAX_REASON_CHARS - 1)}…`;
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
