/** The pure fold keeps one creation-order index per list: `order` for the default list, its own set for a named one. */
import { describe, expect, test } from "vitest";
import { encodeEvent, type TaskEvent, type TaskState } from "../../shared/domain";
import { decodeRecords, foldBatch, orderScore } from "../../shared/projection/fold";
import { envelope, minutesAfterNow, OTHER_TASK_ID, purgedRecord, TASK_ID } from "../domain/fixtures";

const deleted: TaskEvent = { type: "TaskDeleted", data: {} };

/** Log records (partition 0, from offset 0) of the given events, each `[taskId, event, version]`. */
function records(events: Array<[string, TaskEvent, number]>) {
  return events.map(([taskId, event, version], offset) => ({
    partition: 0,
    offset,
    key: taskId,
    timestamp: 0,
    value: encodeEvent(envelope(event, { taskId, version, occurredAt: minutesAfterNow(version) })),
  }));
}

describe("foldBatch: lists", () => {
  test("foldBatch: a task on a named list goes to that list's index, a default one to order", () => {
    const items = decodeRecords(
      records([
        [TASK_ID, { type: "TaskCreated", data: { text: "a", listId: "kitchen" } }, 1],
        [OTHER_TASK_ID, { type: "TaskCreated", data: { text: "b" } }, 1],
      ]),
      1,
    );
    const batch = foldBatch(0, 0, items, new Map());

    expect(batch.listAdd).toEqual([["kitchen", orderScore(minutesAfterNow(1), 0), TASK_ID]]);
    expect(batch.orderAdd).toEqual([[orderScore(minutesAfterNow(1), 1), OTHER_TASK_ID]]);
  });

  test("foldBatch: deleting a task takes it out of its own list's index", () => {
    const states = new Map<string, TaskState>();
    const items = decodeRecords(
      records([
        [TASK_ID, { type: "TaskCreated", data: { text: "a", listId: "kitchen" } }, 1],
        [OTHER_TASK_ID, { type: "TaskCreated", data: { text: "b" } }, 1],
        [TASK_ID, deleted, 2],
        [OTHER_TASK_ID, deleted, 2],
      ]),
      1,
    );
    const batch = foldBatch(0, 0, items, states);

    expect(batch.listRemove).toEqual([["kitchen", TASK_ID]]);
    expect(batch.orderRemove).toEqual([OTHER_TASK_ID]);
    expect(batch.counts).toEqual({ applied: 4, rejected: 0, dead: 0 });
  });

  test("foldBatch: a state stored before lists existed (no listId) is on the default list", () => {
    const before: TaskState = {
      status: "active",
      task: { id: TASK_ID, text: "old", done: false, createdAt: "x", updatedAt: "x", version: 1 },
    };
    const batch = foldBatch(
      0,
      0,
      decodeRecords(records([[TASK_ID, deleted, 2]]), 1),
      new Map([[TASK_ID, before]]),
    );

    expect(batch.orderRemove).toEqual([TASK_ID]);
    expect(batch.listRemove).toEqual([]);
  });

  test("foldBatch: a second ListPurged starts the next batch: one script call sweeps one list at most", () => {
    // Partition 0 of one: every list id lands there.
    const items = decodeRecords(
      [purgedRecord("kitchen", 0), purgedRecord("garden", 1), purgedRecord("garage", 2)],
      1,
    );

    const first = foldBatch(0, 0, items, new Map());
    const second = foldBatch(0, first.to, items.slice(first.to), new Map());

    expect([first.purge, first.to]).toEqual([["kitchen"], 1]);
    expect([second.purge, second.to]).toEqual([["garden"], 2]);
  });
});
