/**
 * What the fold writes, byte for byte: a history entry's stored JSON, and the JSON of each state a batch writes,
 * which the fold encodes once (to bound the batch) and the sinks write as it is.
 */
import { describe, expect, test } from "vitest";
import { encodeEvent, sealedRef, type TaskEvent } from "../../shared/domain";
import { UpstreamError } from "../../shared/errors";
import { decodeHistoryEntry, encodeHistoryEntry, encodeState } from "../../shared/projection/codec";
import { decodeRecords, foldBatch } from "../../shared/projection/fold";
import {
  completed,
  created,
  envelope,
  minutesAfterNow,
  OTHER_TASK_ID,
  TASK_ID,
  uuid,
} from "../domain/fixtures";

describe("encodeHistoryEntry", () => {
  const at = { partition: 2, offset: 41 };
  const eventId = uuid(1001);
  const fields = `"partition":2,"offset":41,"eventId":"${eventId}"`;

  test("encodeHistoryEntry: a created task's entry holds its text and idempotency key, after the fixed fields in order", () => {
    const event = { ...envelope(created('say "hi"'), { version: 1 }), metadata: { idempotencyKey: "k-1" } };

    expect(encodeHistoryEntry(event, at)).toBe(
      `{${fields},"type":"TaskCreated","version":1,"occurredAt":"${minutesAfterNow(1)}",` +
        `"data":{"text":"say \\"hi\\""},"metadata":{"idempotencyKey":"k-1"}}`,
    );
  });

  test("encodeHistoryEntry: an entry with no text and no idempotency key has neither field", () => {
    expect(encodeHistoryEntry(envelope(completed, { version: 1 }), at)).toBe(
      `{${fields},"type":"TaskCompleted","version":1,"occurredAt":"${minutesAfterNow(1)}"}`,
    );
  });
});

describe("a sealed text's history entry", () => {
  const at = { partition: 0, offset: 7 };
  const eventId = uuid(1002);
  const payload = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQ";

  test("encodeHistoryEntry: holds a text sealed by its own event as data.sealed, the ciphertext alone; read back as the reference", () => {
    const event = envelope(created(sealedRef(eventId, payload)), { version: 1, eventId });
    const stored = encodeHistoryEntry(event, at);
    expect(stored).toBe(
      `{"partition":0,"offset":7,"eventId":"${eventId}","type":"TaskCreated","version":1,` +
        `"occurredAt":"${minutesAfterNow(1)}","data":{"sealed":"${payload}"}}`,
    );
    expect(decodeHistoryEntry(stored).data).toEqual({ text: sealedRef(eventId, payload) });
  });

  test("encodeHistoryEntry: a reference sealed by another event is kept whole", () => {
    const ref = sealedRef(uuid(1003), payload);
    const stored = encodeHistoryEntry(envelope(created(ref), { version: 1, eventId }), at);
    expect(JSON.parse(stored).data).toEqual({ text: ref });
    expect(decodeHistoryEntry(stored).data).toEqual({ text: ref });
  });

  test("decodeHistoryEntry: an entry stored before, its reference whole in data.text, reads as stored", () => {
    const ref = `\u0091${eventId}${payload}`;
    const stored = JSON.stringify({
      ...at,
      eventId,
      type: "TaskCreated",
      version: 1,
      occurredAt: "x",
      data: { text: ref },
    });
    expect(decodeHistoryEntry(stored).data).toEqual({ text: ref });
  });

  test.each([
    ["a ciphertext that is not base64url", { sealed: "not base64!" }],
    ["both a text and a ciphertext", { sealed: payload, text: "x" }],
  ])("decodeHistoryEntry: refuses %s", (_, data) => {
    const stored = JSON.stringify({ ...at, eventId, type: "TaskCreated", version: 1, occurredAt: "x", data });
    expect(() => decodeHistoryEntry(stored)).toThrow(UpstreamError);
  });
});

describe("foldBatch: states written", () => {
  test("foldBatch: each state written comes with its JSON as stored, the last of a task the batch changed twice", () => {
    const events: Array<[string, TaskEvent, number]> = [
      [TASK_ID, created("a"), 1],
      [OTHER_TASK_ID, created("b"), 1],
      [TASK_ID, completed, 2],
    ];
    const items = decodeRecords(
      events.map(([taskId, event, version], offset) => ({
        partition: 0,
        offset,
        key: taskId,
        timestamp: 0,
        value: encodeEvent(envelope(event, { taskId, version })),
      })),
      1,
    );

    const batch = foldBatch(0, 0, items, new Map());

    expect(batch.states.map(([id, state]) => [id, state.status === "active" && state.task.version])).toEqual([
      [TASK_ID, 2],
      [OTHER_TASK_ID, 1],
    ]);
    expect(batch.stateJson).toEqual(batch.states.map(([, state]) => encodeState(state)));
  });
});
