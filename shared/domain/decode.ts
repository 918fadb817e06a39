import type { EventEnvelope, EventMetadata } from "./envelope";
import { CURRENT_SCHEMA_VERSION } from "./envelope";
import type { TaskEvent, TaskEventType } from "./events";
import { isTaskEventType, TASK_EVENT_TYPES } from "./events";
import { isListId, isTaskId, isUuid } from "./ids";
import { isJsonRecord, type JsonRecord } from "./json";
import { isListEventType, LIST_EVENT_TYPES, type ListEnvelope, type ListEvent } from "./list-events";
import { isSealed, isSealedPayload, MAX_SEALED_CHARS, sealedRef } from "./sealed";
import { isIsoTimestamp } from "./timestamps";
import { unreachable } from "./unreachable";
import { upcast } from "./upcasters";
import { MAX_TEXT_CODE_POINTS } from "./validation";

/**
 * A decoded, upcast and validated envelope, or why not. `newer` marks a record this code cannot read but a newer
 * release may (a future schema version, an unknown event type): the projector stops there instead of skipping it.
 * A reason never quotes the record (it is shown publicly) and stays short.
 */
export type DecodeResult =
  | { readonly ok: true; readonly event: EventEnvelope }
  | { readonly ok: false; readonly reason: string; readonly newer?: true };

/** A decoded log record: a task's event or a list's, or why neither (as in {@link DecodeResult}). */
export type RecordDecodeResult =
  | { readonly ok: true; readonly event: EventEnvelope; readonly list?: undefined }
  | { readonly ok: true; readonly list: ListEnvelope; readonly event?: undefined }
  | { readonly ok: false; readonly reason: string; readonly newer?: true };

/** Longest metadata string (request ids and idempotency keys are at most 128 characters when written). */
export const MAX_METADATA_CHARS = 256;

const ENVELOPE_FIELDS = [
  "eventId",
  "type",
  "schemaVersion",
  "taskId",
  "version",
  "occurredAt",
  "data",
  "metadata",
];
const LIST_ENVELOPE_FIELDS = ENVELOPE_FIELDS.map((field) => (field === "taskId" ? "listId" : field));
const METADATA_FIELDS = ["requestId", "correlationId", "idempotencyKey"] as const;
const CREATED_DATA_FIELDS = ["text", "sealed", "listId"];
const RENAMED_DATA_FIELDS = ["text", "sealed"];
const NO_FIELDS: string[] = [];

class Invalid extends Error {
  constructor(
    reason: string,
    readonly newer = false,
  ) {
    super(reason);
  }
}

function check(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new Invalid(reason);
}

/**
 * Refuses the record. For a reason put together from parts: `if (!ok) fail(...)` builds it only on failure, where
 * `check` would build it for every record the projector reads.
 */
function fail(reason: string): never {
  throw new Invalid(reason);
}

/** Checks that `record` has no field but `allowed`; answers how many it has. `where` + `what` names the record. */
function exactFields(record: JsonRecord, allowed: readonly string[], where: string, what = ""): number {
  const keys = Object.keys(record);
  let extra = 0;
  for (const key of keys) if (!allowed.includes(key)) extra++;
  // The field's name is the record's content, so the reason only counts them.
  if (extra !== 0) fail(`${where}${what} has ${extra} unexpected field${extra === 1 ? "" : "s"}`);
  return keys.length;
}

/** Checks that `record`, which has `count` fields and none but `fields`, has every one of them. */
function allFields(record: JsonRecord, count: number, fields: readonly string[]): void {
  // Its fields are distinct and all of `fields`: as many means every one (the common case, checked without a search).
  if (count === fields.length) return;
  const missing = fields.find((field) => !Object.hasOwn(record, field));
  check(missing === undefined, `missing field ${missing}`);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function decodeMetadata(value: unknown): EventMetadata {
  check(isJsonRecord(value), "metadata must be an object");
  exactFields(value, METADATA_FIELDS, "metadata");
  const metadata: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = {};
  for (const key of METADATA_FIELDS) {
    const field = value[key];
    if (field === undefined) continue;
    if (typeof field !== "string") fail(`metadata.${key} must be a string`);
    if (field.length > MAX_METADATA_CHARS)
      fail(`metadata.${key} is longer than ${MAX_METADATA_CHARS} characters`);
    metadata[key] = field;
  }
  return metadata;
}

/** A task text from the log: a string of at most MAX_TEXT_CODE_POINTS, as the write side accepts it. */
function decodeText(type: string, value: unknown, field = "text"): string {
  if (typeof value !== "string") fail(`${type} data.${field} must be a string`);
  if (isSealed(value)) fail(`${type} data.${field} must not start with a sealed reference's mark`);
  if (!codePointsAtMost(value, MAX_TEXT_CODE_POINTS))
    fail(`${type} data.${field} is longer than ${MAX_TEXT_CODE_POINTS} characters`);
  return value;
}

/**
 * A text or title from `data.text` (words) or `data.sealed` (a named list's ciphertext, bound to the event that
 * carries it: read as a sealed reference, see sealed.ts), exactly one of them.
 */
function decodeWords(type: string, value: JsonRecord, eventId: string, field = "text"): string {
  if (value.sealed === undefined) return decodeText(type, value[field], field);
  if (value[field] !== undefined) fail(`${type} data has both ${field} and sealed`);
  if (!isSealedPayload(value.sealed))
    fail(`${type} data.sealed must be base64url of at most ${MAX_SEALED_CHARS} characters`);
  return sealedRef(eventId, value.sealed);
}

function decodeData(type: TaskEventType, value: unknown, eventId: string): TaskEvent {
  check(isJsonRecord(value), "data must be an object");
  switch (type) {
    case "TaskCreated": {
      exactFields(value, CREATED_DATA_FIELDS, type, " data");
      const text = decodeWords(type, value, eventId);
      if (value.listId === undefined) {
        // The default list is never sealed: it has no key.
        if (value.sealed !== undefined) fail(`${type} data.sealed needs a listId`);
        return { type, data: { text } };
      }
      if (!isListId(value.listId)) fail(`${type} data.listId must be 1-64 characters of A-Z a-z 0-9 _ -`);
      return { type, data: { text, listId: value.listId } };
    }
    case "TaskRenamed":
      exactFields(value, RENAMED_DATA_FIELDS, type, " data");
      return { type, data: { text: decodeWords(type, value, eventId) } };
    case "TaskCompleted":
    case "TaskReopened":
    case "TaskDeleted":
      exactFields(value, NO_FIELDS, type, " data");
      return { type, data: {} };
    default:
      return unreachable(type, "event type");
  }
}

/** True when `text` has at most `max` code points; stops counting past `max`. */
function codePointsAtMost(text: string, max: number): boolean {
  if (text.length <= max) return true;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    if (++count > max) return false;
  }
  return true;
}

/** Validates a current-version raw envelope field by field; throws Invalid with the first problem. */
function validate(raw: JsonRecord): EventEnvelope {
  allFields(raw, exactFields(raw, ENVELOPE_FIELDS, "envelope"), ENVELOPE_FIELDS);
  const { eventId, type, taskId, version, occurredAt } = raw;
  check(isUuid(eventId), "eventId must be a lowercase UUID");
  check(typeof type === "string", "type must be a string");
  if (!isTaskEventType(type)) {
    const known = [...TASK_EVENT_TYPES, ...LIST_EVENT_TYPES].join(", ");
    throw new Invalid(`unknown event type (this code knows ${known})`, true);
  }
  check(isTaskId(taskId), "taskId must be a lowercase UUID");
  check(isNonNegativeInteger(version) && version >= 1, "version must be a positive integer");
  check(isIsoTimestamp(occurredAt), "occurredAt must be an ISO timestamp like 2025-01-31T12:00:00.000Z");
  const event = decodeData(type, raw.data, eventId);
  const metadata = decodeMetadata(raw.metadata);
  // The event's fields last: `{ ...event, eventId, ... }` (a spread of objects of several shapes, then more fields)
  // sends V8 down a slow path that cost microseconds per record, most of what decoding one took.
  return { eventId, schemaVersion: CURRENT_SCHEMA_VERSION, taskId, version, occurredAt, metadata, ...event };
}

/** Validates a current-version raw list envelope; throws Invalid with the first problem. */
function validateList(raw: JsonRecord): ListEnvelope {
  allFields(raw, exactFields(raw, LIST_ENVELOPE_FIELDS, "envelope"), LIST_ENVELOPE_FIELDS);
  const { eventId, listId, version, occurredAt, data } = raw;
  check(isUuid(eventId), "eventId must be a lowercase UUID");
  check(isListId(listId), "listId must be 1-64 characters of A-Z a-z 0-9 _ -");
  check(isNonNegativeInteger(version) && version >= 1, "version must be a positive integer");
  check(isIsoTimestamp(occurredAt), "occurredAt must be an ISO timestamp like 2025-01-31T12:00:00.000Z");
  const event = decodeListData(raw.type, data, eventId);
  const metadata = decodeMetadata(raw.metadata);
  // The event's fields last, as for a task's (see validate).
  return { eventId, schemaVersion: CURRENT_SCHEMA_VERSION, listId, version, occurredAt, metadata, ...event };
}

/** A list event's data: ListCreated's title (words, sealed or null) and view id; ListPurged's nothing. */
function decodeListData(type: unknown, data: unknown, eventId: string): ListEvent {
  check(isJsonRecord(data), "data must be an object");
  if (type === "ListPurged") {
    exactFields(data, [], "ListPurged data");
    return { type, data: {} };
  }
  exactFields(data, ["title", "sealed", "viewId"], "ListCreated data");
  check(
    data.sealed !== undefined || data.title === null || typeof data.title === "string",
    "ListCreated data.title must be a string or null",
  );
  const title = data.title === null ? null : decodeWords("ListCreated", data, eventId, "title");
  check(isListId(data.viewId), "ListCreated data.viewId must be 1-64 characters of A-Z a-z 0-9 _ -");
  return { type: "ListCreated", data: { title, viewId: data.viewId } };
}

/**
 * Reads a log record's value into a task's or a list's envelope, as {@link decodeEvent} reads a task's: strict,
 * never throws.
 */
export function decodeRecord(raw: string): RecordDecodeResult {
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) return parsed;
  try {
    if (isListEventType(parsed.raw.type)) return { ok: true, list: validateList(parsed.raw) };
    return { ok: true, event: validate(parsed.raw) };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return error.newer
      ? { ok: false, reason: error.message, newer: true }
      : { ok: false, reason: error.message };
  }
}

/**
 * Reads a Kafka record value into an envelope. Strict: the value must be JSON, of a known schema version
 * (older ones are upcast first, newer ones are refused as "from the future" rather than misread), with
 * exactly the envelope's fields, each of the right type, and the data shape of its event type. Never
 * throws; a failure's `reason` is what the projector records in the dead-letter list.
 */
export function decodeEvent(raw: string): DecodeResult {
  const decoded = decodeRecord(raw);
  if (decoded.ok && decoded.list)
    return { ok: false, reason: `${decoded.list.type} is a list's event, not a task's` };
  return decoded.ok ? { ok: true, event: decoded.event } : decoded;
}

/** Parses a record's JSON and upcasts it to the current schema version, or says why it cannot. */
function parseEnvelope(
  raw: string,
): { ok: true; raw: JsonRecord } | { ok: false; reason: string; newer?: true } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    // The parser's message may quote the value; only the position is kept.
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
    return {
      ok: false,
      reason: position === undefined ? "invalid JSON" : `invalid JSON at position ${position}`,
    };
  }
  if (!isJsonRecord(parsed)) return { ok: false, reason: "envelope must be a JSON object" };
  if (!Object.hasOwn(parsed, "schemaVersion")) return { ok: false, reason: "missing field schemaVersion" };
  const schemaVersion = parsed.schemaVersion;
  if (!isNonNegativeInteger(schemaVersion)) {
    return { ok: false, reason: "schemaVersion must be a non-negative integer" };
  }
  const current = upcast(parsed, schemaVersion);
  if (!current.ok) {
    return schemaVersion > CURRENT_SCHEMA_VERSION
      ? { ok: false, reason: current.reason, newer: true }
      : { ok: false, reason: current.reason };
  }
  return { ok: true, raw: current.raw };
}
