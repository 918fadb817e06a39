import type { EventEnvelope, EventMetadata } from "./envelope";
import { CURRENT_SCHEMA_VERSION } from "./envelope";
import type { TaskEvent, TaskEventType } from "./events";
import { isTaskEventType, TASK_EVENT_TYPES } from "./events";
import { isListId, isTaskId, isUuid } from "./ids";
import { isJsonRecord, type JsonRecord } from "./json";
import { isIsoTimestamp } from "./timestamps";
import { unreachable } from "./unreachable";
import { upcast } from "./upcasters";

/** A decoded, upcast and validated envelope, or why the record is a poison event. */
export type DecodeResult =
  | { readonly ok: true; readonly event: EventEnvelope }
  | { readonly ok: false; readonly reason: string };

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
const METADATA_FIELDS = ["requestId", "correlationId", "idempotencyKey"] as const;

class Invalid extends Error {}

function check(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new Invalid(reason);
}

function exactFields(record: JsonRecord, allowed: readonly string[], where: string): void {
  const extra = Object.keys(record).find((key) => !allowed.includes(key));
  check(extra === undefined, `${where} has an unexpected field ${JSON.stringify(extra)}`);
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
    check(typeof field === "string", `metadata.${key} must be a string`);
    metadata[key] = field;
  }
  return metadata;
}

function decodeData(type: TaskEventType, value: unknown): TaskEvent {
  check(isJsonRecord(value), "data must be an object");
  switch (type) {
    case "TaskCreated": {
      exactFields(value, ["text", "listId"], `${type} data`);
      check(typeof value.text === "string", `${type} data.text must be a string`);
      if (value.listId === undefined) return { type, data: { text: value.text } };
      check(isListId(value.listId), `${type} data.listId must be 1-64 characters of A-Z a-z 0-9 _ -`);
      return { type, data: { text: value.text, listId: value.listId } };
    }
    case "TaskRenamed":
      exactFields(value, ["text"], `${type} data`);
      check(typeof value.text === "string", `${type} data.text must be a string`);
      return { type, data: { text: value.text } };
    case "TaskCompleted":
    case "TaskReopened":
    case "TaskDeleted":
      exactFields(value, [], `${type} data`);
      return { type, data: {} };
    default:
      return unreachable(type, "event type");
  }
}

/** Validates a current-version raw envelope field by field; throws Invalid with the first problem. */
function validate(raw: JsonRecord): EventEnvelope {
  exactFields(raw, ENVELOPE_FIELDS, "envelope");
  const missing = ENVELOPE_FIELDS.find((field) => !Object.hasOwn(raw, field));
  check(missing === undefined, `missing field ${missing}`);
  const { eventId, type, taskId, version, occurredAt } = raw;
  check(isUuid(eventId), "eventId must be a lowercase UUID");
  check(typeof type === "string", "type must be a string");
  check(
    isTaskEventType(type),
    `unknown event type ${JSON.stringify(type)} (known: ${TASK_EVENT_TYPES.join(", ")})`,
  );
  check(isTaskId(taskId), "taskId must be a lowercase UUID");
  check(isNonNegativeInteger(version) && version >= 1, "version must be a positive integer");
  check(isIsoTimestamp(occurredAt), "occurredAt must be an ISO timestamp like 2025-01-31T12:00:00.000Z");
  const event = decodeData(type, raw.data);
  const metadata = decodeMetadata(raw.metadata);
  return { ...event, eventId, schemaVersion: CURRENT_SCHEMA_VERSION, taskId, version, occurredAt, metadata };
}

/**
 * Reads a Kafka record value into an envelope. Strict: the value must be JSON, of a known schema version
 * (older ones are upcast first, newer ones are refused as "from the future" rather than misread), with
 * exactly the envelope's fields, each of the right type, and the data shape of its event type. Never
 * throws; a failure's `reason` is what the projector records in the dead-letter list.
 */
export function decodeEvent(raw: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isJsonRecord(parsed)) return { ok: false, reason: "envelope must be a JSON object" };
  if (!Object.hasOwn(parsed, "schemaVersion")) return { ok: false, reason: "missing field schemaVersion" };
  const schemaVersion = parsed.schemaVersion;
  if (!isNonNegativeInteger(schemaVersion)) {
    return { ok: false, reason: "schemaVersion must be a non-negative integer" };
  }
  const current = upcast(parsed, schemaVersion);
  if (!current.ok) return current;
  try {
    return { ok: true, event: validate(current.raw) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.message };
    throw error;
  }
}
