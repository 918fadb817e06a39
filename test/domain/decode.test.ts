import { describe, expect, it, test } from "vitest";
import type { EventEnvelope } from "../../shared/domain";
import {
  CURRENT_SCHEMA_VERSION,
  decodeEvent,
  decodeRecord,
  encodeEvent,
  encodeListEvent,
  TASK_EVENT_TYPES,
} from "../../shared/domain";
import {
  completed,
  created,
  deleted,
  envelope,
  minutesAfterNow,
  renamed,
  reopened,
  TASK_ID,
  uuid,
} from "./fixtures";

const SAMPLE: EventEnvelope = {
  ...envelope(renamed("Dishes"), { version: 2, eventId: uuid(0xabc), occurredAt: minutesAfterNow(2) }),
  metadata: { requestId: "req-1", correlationId: "corr-1", idempotencyKey: "key-1" },
};

/** The sample as raw JSON fields, with `changes` merged in (undefined removes a field). */
function rawWith(changes: Record<string, unknown>): string {
  const fields: Record<string, unknown> = { ...JSON.parse(encodeEvent(SAMPLE)), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete fields[key];
  return JSON.stringify(fields);
}

describe("encodeEvent / decodeEvent", () => {
  test("encodeEvent: writes the envelope fields in a fixed order", () => {
    expect(encodeEvent(SAMPLE)).toBe(
      `{"eventId":"${uuid(0xabc)}","type":"TaskRenamed","schemaVersion":1,"taskId":"${TASK_ID}","version":2,` +
        `"occurredAt":"${minutesAfterNow(2)}","data":{"text":"Dishes"},` +
        `"metadata":{"requestId":"req-1","correlationId":"corr-1","idempotencyKey":"key-1"}}`,
    );
  });

  test.each([created("a\n\tb 😀"), renamed("b"), completed, reopened, deleted])(
    "decodeEvent: reads back what encodeEvent wrote ($type)",
    (event) => {
      const original = envelope(event, { version: 3 });
      expect(decodeEvent(encodeEvent(original))).toEqual({ ok: true, event: original });
    },
  );

  test("decodeEvent: the known types are exactly the five task events", () => {
    expect(TASK_EVENT_TYPES).toEqual([
      "TaskCreated",
      "TaskRenamed",
      "TaskCompleted",
      "TaskReopened",
      "TaskDeleted",
    ]);
  });
});

describe("decodeEvent: poison events", () => {
  test.each([
    ["truncated JSON", '{"eventId":', /^invalid JSON( at position \d+)?$/],
    ["an empty value", "", /^invalid JSON( at position \d+)?$/],
    ["text that is not JSON", "secret words", /^invalid JSON( at position \d+)?$/],
  ])("decodeEvent: %s is invalid JSON", (_, raw, reason) => {
    const result = decodeEvent(raw);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  test.each([
    ["an array", "[]"],
    ["null", "null"],
    ["a string", '"TaskCreated"'],
    ["a number", "1"],
  ])("decodeEvent: %s is not an envelope", (_, raw) => {
    expect(decodeEvent(raw)).toEqual({ ok: false, reason: "envelope must be a JSON object" });
  });

  test.each(["eventId", "type", "taskId", "version", "occurredAt", "data", "metadata", "schemaVersion"])(
    "decodeEvent: a missing %s is refused",
    (field) => {
      expect(decodeEvent(rawWith({ [field]: undefined }))).toEqual({
        ok: false,
        reason: `missing field ${field}`,
      });
    },
  );

  test.each([
    ["an unknown type", { type: "TaskArchived" }],
    ["a type of the wrong case", { type: "taskrenamed" }],
  ])("decodeEvent: %s is refused as newer, without quoting it", (_, changes) => {
    expect(decodeEvent(rawWith(changes))).toEqual({
      ok: false,
      reason:
        "unknown event type (this code knows TaskCreated, TaskRenamed, TaskCompleted, TaskReopened, TaskDeleted, ListCreated, ListPurged)",
      newer: true,
    });
  });

  test.each([
    ["a numeric type", { type: 3 }, "type must be a string"],
    ["an upper-case eventId", { eventId: uuid(0xabc).toUpperCase() }, "eventId must be a lowercase UUID"],
    ["a numeric eventId", { eventId: 7 }, "eventId must be a lowercase UUID"],
    ["a taskId that is not a UUID", { taskId: "task-1" }, "taskId must be a lowercase UUID"],
    ["version 0", { version: 0 }, "version must be a positive integer"],
    ["a fractional version", { version: 1.5 }, "version must be a positive integer"],
    ["a string version", { version: "2" }, "version must be a positive integer"],
    [
      "an occurredAt without milliseconds",
      { occurredAt: "2025-03-01T10:02:00Z" },
      "occurredAt must be an ISO timestamp like 2025-01-31T12:00:00.000Z",
    ],
    [
      "an epoch occurredAt",
      { occurredAt: 1_740_823_320_000 },
      "occurredAt must be an ISO timestamp like 2025-01-31T12:00:00.000Z",
    ],
    ["data that is not an object", { data: "Dishes" }, "data must be an object"],
    ["data that is null", { data: null }, "data must be an object"],
    ["a numeric text", { data: { text: 5 } }, "TaskRenamed data.text must be a string"],
    ["data without text", { data: {} }, "TaskRenamed data.text must be a string"],
    [
      "data with an extra field",
      { data: { text: "a", done: true } },
      "TaskRenamed data has 1 unexpected field",
    ],
    [
      "data on a TaskCompleted",
      { type: "TaskCompleted", data: { text: "a" } },
      "TaskCompleted data has 1 unexpected field",
    ],
    ["metadata that is not an object", { metadata: [] }, "metadata must be an object"],
    ["a numeric requestId", { metadata: { requestId: 1 } }, "metadata.requestId must be a string"],
    [
      "a null idempotencyKey",
      { metadata: { idempotencyKey: null } },
      "metadata.idempotencyKey must be a string",
    ],
    ["an unknown metadata field", { metadata: { userId: "u" } }, "metadata has 1 unexpected field"],
    ["two unknown envelope fields", { priority: "high", owner: "me" }, "envelope has 2 unexpected fields"],
    [
      "a text longer than the API accepts",
      { data: { text: "x".repeat(1001) } },
      "TaskRenamed data.text is longer than 1000 characters",
    ],
    [
      "a requestId longer than any writer makes",
      { metadata: { requestId: "r".repeat(257) } },
      "metadata.requestId is longer than 256 characters",
    ],
    ["a string schemaVersion", { schemaVersion: "1" }, "schemaVersion must be a non-negative integer"],
    ["a negative schemaVersion", { schemaVersion: -1 }, "schemaVersion must be a non-negative integer"],
  ])("decodeEvent: %s is refused", (_, changes, reason) => {
    expect(decodeEvent(rawWith(changes))).toEqual({ ok: false, reason });
  });

  test("decodeEvent: a schema version from the future is refused, not misread", () => {
    expect(decodeEvent(rawWith({ schemaVersion: CURRENT_SCHEMA_VERSION + 1 }))).toEqual({
      ok: false,
      reason: `schemaVersion ${CURRENT_SCHEMA_VERSION + 1} is from the future (this code reads up to ${CURRENT_SCHEMA_VERSION})`,
      newer: true,
    });
  });

  test("decodeEvent: a text of 1000 code points, emoji included, is accepted", () => {
    const text = "😀".repeat(1000);
    const result = decodeEvent(rawWith({ data: { text } }));
    expect(result.ok && result.event.type === "TaskRenamed" && result.event.data.text).toBe(text);
  });
});

describe("decodeRecord: a list's event", () => {
  const listCreated = {
    eventId: "00000000-0000-4000-8000-000000000001",
    type: "ListCreated",
    schemaVersion: 1,
    listId: "AAAAAAAAAAAAAAAAAAAAAA",
    version: 1,
    occurredAt: "2025-01-31T12:00:00.000Z",
    data: { title: "groceries", viewId: "BBBBBBBBBBBBBBBBBBBBBB" },
    metadata: {},
  };

  it("decodes what encodeListEvent wrote, and decodeEvent says it is not a task's", () => {
    const raw = encodeListEvent({ ...listCreated, type: "ListCreated", schemaVersion: 1 });
    expect(decodeRecord(raw)).toEqual({ ok: true, list: listCreated });
    expect(decodeEvent(raw)).toEqual({ ok: false, reason: "ListCreated is a list's event, not a task's" });
  });

  it.each([
    [
      "a task id where the list id goes",
      { taskId: listCreated.listId, listId: undefined },
      "envelope has 1 unexpected field",
    ],
    [
      "a list id outside the alphabet",
      { listId: "a b" },
      "listId must be 1-64 characters of A-Z a-z 0-9 _ -",
    ],
    [
      "a missing view id",
      { data: { title: null } },
      "ListCreated data.viewId must be 1-64 characters of A-Z a-z 0-9 _ -",
    ],
    [
      "a title that is not a string",
      { data: { title: 7, viewId: "B" } },
      "ListCreated data.title must be a string or null",
    ],
  ])("refuses %s as poison", (_, changes, reason) => {
    const raw = JSON.stringify({ ...listCreated, ...changes });
    expect(decodeRecord(raw)).toEqual({ ok: false, reason });
  });
});
