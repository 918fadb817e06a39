import { describe, expect, test } from "vitest";
import type { CommandMetadata, UpdateTask } from "../../shared/domain";
import { makeEnvelopes } from "../../shared/domain";
import { completed, created, createTask, NOW, renamed, TASK_ID, updateTask, uuid } from "./fixtures";

describe("makeEnvelopes", () => {
  test("makeEnvelopes: numbers events after the base version and stamps them with the command's time and metadata", () => {
    const command = updateTask(TASK_ID, "Dishes", true);
    const events = [renamed("Dishes"), completed];
    expect(makeEnvelopes(command, events, { eventIds: [uuid(1), uuid(2)], baseVersion: 4 })).toEqual([
      {
        type: "TaskRenamed",
        data: { text: "Dishes" },
        eventId: uuid(1),
        schemaVersion: 1,
        taskId: TASK_ID,
        version: 5,
        occurredAt: NOW,
        metadata: { requestId: "req-1", idempotencyKey: "key-1" },
      },
      {
        type: "TaskCompleted",
        data: {},
        eventId: uuid(2),
        schemaVersion: 1,
        taskId: TASK_ID,
        version: 6,
        occurredAt: NOW,
        metadata: { requestId: "req-1", idempotencyKey: "key-1" },
      },
    ]);
  });

  test("makeEnvelopes: metadata keeps only the keys the command carried", () => {
    const metadata: CommandMetadata = { now: NOW, correlationId: "corr-9" };
    const command = { ...createTask(TASK_ID, "a"), metadata };
    const [envelope] = makeEnvelopes(command, [created("a")], { eventIds: [uuid(1)], baseVersion: 0 });
    expect(envelope?.metadata).toStrictEqual({ correlationId: "corr-9" });
  });

  test("makeEnvelopes: no events give no envelopes and extra ids are ignored", () => {
    const command = updateTask(TASK_ID, "a", false);
    expect(makeEnvelopes(command, [], { eventIds: [uuid(1)], baseVersion: 2 })).toEqual([]);
  });

  test("makeEnvelopes: fewer event ids than events is a programming error", () => {
    const command = updateTask(TASK_ID, "Dishes", true);
    expect(() =>
      makeEnvelopes(command, [renamed("Dishes"), completed], { eventIds: [uuid(1)], baseVersion: 1 }),
    ).toThrow(new TypeError("makeEnvelopes: 2 events need as many event ids, got 1"));
  });

  test("makeEnvelopes: an event id that is not a lowercase UUID is a programming error", () => {
    const command = updateTask(TASK_ID, "Dishes", false);
    expect(() =>
      makeEnvelopes(command, [renamed("Dishes")], { eventIds: ["evt-1"], baseVersion: 1 }),
    ).toThrow(new TypeError('makeEnvelopes: event id "evt-1" is not a lowercase UUID'));
  });

  test("makeEnvelopes: a metadata.now that is not an ISO timestamp is a programming error", () => {
    const command: UpdateTask = { ...updateTask(TASK_ID, "Dishes", false), metadata: { now: "yesterday" } };
    expect(() =>
      makeEnvelopes(command, [renamed("Dishes")], { eventIds: [uuid(1)], baseVersion: 1 }),
    ).toThrow(new TypeError('makeEnvelopes: metadata.now must be an ISO timestamp, got "yesterday"'));
  });

  test("makeEnvelopes: a negative base version is a programming error", () => {
    const command = updateTask(TASK_ID, "Dishes", false);
    expect(() =>
      makeEnvelopes(command, [renamed("Dishes")], { eventIds: [uuid(1)], baseVersion: -1 }),
    ).toThrow(new TypeError("makeEnvelopes: baseVersion must be a non-negative integer, got -1"));
  });
});
