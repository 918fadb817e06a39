/** The fold, specified in process: given a log, when folded into the in-memory sink, then the read model shows... */
import { describe, expect, test } from "vitest";
import type { TaskEvent } from "../../shared/domain";
import {
  completed,
  created,
  deleted,
  OTHER_TASK_ID,
  renamed,
  reopened,
  TASK_ID,
  uuid,
} from "../domain/fixtures";
import { fromTheFuture, garbage, given, on } from "./given";

const THIRD_TASK_ID = uuid(3, "7a5c0f3e");
const onList = (text: string, listId: string): TaskEvent => ({ type: "TaskCreated", data: { text, listId } });

describe("fold: applied events", () => {
  test("fold: a created task is listed, has one history entry, and the checkpoint passes it", async () => {
    await given(on(TASK_ID, created("Buy milk")))
      .whenFolded()
      .then({
        tasks: [{ id: TASK_ID, text: "Buy milk", done: false, version: 1 }],
        history: { [TASK_ID]: ["TaskCreated@1"] },
        checkpoints: { 0: 1 },
        counters: { applied: 1, rejected: 0, dead: 0 },
        folds: { applied: 1, lost: 0 },
      });
  });

  test("fold: a rename then a completion leave the task renamed, done, at version 3", async () => {
    await given(
      on(TASK_ID, created("Buy milk")),
      on(TASK_ID, renamed("Buy oat milk")),
      on(TASK_ID, completed),
    )
      .whenFolded()
      .then({
        tasks: [{ id: TASK_ID, text: "Buy oat milk", done: true, version: 3 }],
        history: { [TASK_ID]: ["TaskCreated@1", "TaskRenamed@2", "TaskCompleted@3"] },
      });
  });

  test("fold: a completed task reopened is open again", async () => {
    await given(on(TASK_ID, created("Water plants")), on(TASK_ID, completed), on(TASK_ID, reopened))
      .whenFolded()
      .then({ tasks: [{ id: TASK_ID, done: false, version: 3 }] });
  });

  test("fold: a deleted task leaves the list but keeps its history", async () => {
    await given(
      on(TASK_ID, created("Buy milk")),
      on(OTHER_TASK_ID, created("Call mum")),
      on(TASK_ID, deleted),
    )
      .whenFolded()
      .then({
        tasks: [{ id: OTHER_TASK_ID }],
        status: { [TASK_ID]: "deleted", [OTHER_TASK_ID]: "active" },
        history: { [TASK_ID]: ["TaskCreated@1", "TaskDeleted@2"], [OTHER_TASK_ID]: ["TaskCreated@1"] },
      });
  });

  test("fold: tasks are listed in creation order", async () => {
    await given(
      on(THIRD_TASK_ID, created("first")),
      on(TASK_ID, created("second")),
      on(OTHER_TASK_ID, created("third")),
    )
      .whenFolded()
      .then({ tasks: [{ id: THIRD_TASK_ID }, { id: TASK_ID }, { id: OTHER_TASK_ID }] });
  });

  test("fold: a task on a named list is listed there, not on the default list", async () => {
    await given(on(TASK_ID, onList("Wash up", "kitchen")), on(OTHER_TASK_ID, created("Call mum")))
      .whenFolded()
      .then({ tasks: [{ id: OTHER_TASK_ID }], lists: { kitchen: [{ id: TASK_ID, listId: "kitchen" }] } });
  });

  test("fold: a deleted task of a named list leaves that list", async () => {
    await given(
      on(TASK_ID, onList("Wash up", "kitchen")),
      on(OTHER_TASK_ID, onList("Dry up", "kitchen")),
      on(TASK_ID, deleted),
    )
      .whenFolded()
      .then({ lists: { kitchen: [{ id: OTHER_TASK_ID }] } });
  });

  test("fold: the same view whether the log is folded in one batch or one record at a time", async () => {
    const log = [
      on(TASK_ID, created("a")),
      on(OTHER_TASK_ID, created("b")),
      on(TASK_ID, completed),
      on(OTHER_TASK_ID, deleted),
    ];
    const view = {
      tasks: [{ id: TASK_ID, done: true, version: 2 }],
      status: { [OTHER_TASK_ID]: "deleted" as const },
      checkpoints: { 0: 4 },
      counters: { applied: 4, rejected: 0, dead: 0 },
    };
    await given(...log)
      .whenFolded()
      .then({ ...view, folds: { applied: 1, lost: 0 } });
    await given(...log)
      .whenFolded({ batchSize: 1 })
      .then({ ...view, folds: { applied: 4, lost: 0 } });
  });

  test("fold: every partition is folded to its own checkpoint", async () => {
    await given(on(TASK_ID, created("a")), on(OTHER_TASK_ID, created("b")), on(THIRD_TASK_ID, created("c")))
      .whenFolded({ partitions: 4 })
      .then({
        tasks: [{ id: TASK_ID }, { id: OTHER_TASK_ID }, { id: THIRD_TASK_ID }],
        counters: { applied: 3, rejected: 0, dead: 0 },
      });
  });
});

describe("fold: events that are not applied", () => {
  test("fold: an event that no longer applies is recorded as rejected and changes nothing", async () => {
    await given(on(TASK_ID, created("Buy milk")), on(TASK_ID, deleted), on(TASK_ID, renamed("too late")))
      .whenFolded()
      .then({
        tasks: [],
        status: { [TASK_ID]: "deleted" },
        history: { [TASK_ID]: ["TaskCreated@1", "TaskDeleted@2"] },
        rejected: [{ partition: 0, offset: 2, type: "TaskRenamed" }],
        counters: { applied: 2, rejected: 1, dead: 0 },
        checkpoints: { 0: 3 },
      });
  });

  test("fold: a record that is not an event is dead-lettered and the fold goes on past it", async () => {
    await given(garbage("{not json"), on(TASK_ID, created("Buy milk")))
      .whenFolded()
      .then({
        tasks: [{ id: TASK_ID }],
        deadLetters: [{ partition: 0, offset: 0, reason: expectReason(/JSON/) }],
        counters: { applied: 1, rejected: 0, dead: 1 },
        checkpoints: { 0: 2 },
      });
  });

  test("fold: an event only a newer projector can read stops the partition there, folding nothing after it", async () => {
    await given(
      on(TASK_ID, created("Buy milk")),
      fromTheFuture(TASK_ID, completed),
      on(OTHER_TASK_ID, created("later")),
    )
      .whenFolded()
      .then({
        tasks: [{ id: TASK_ID, done: false }],
        status: { [OTHER_TASK_ID]: "absent" },
        checkpoints: { 0: 1 },
        stops: {
          0: {
            offset: 1,
            reason: expectReason(/from the future.*waiting here for a projector that reads it/),
          },
        },
      });
  });
});

function expectReason(pattern: RegExp): unknown {
  return expect.stringMatching(pattern);
}
