/**
 * The catch-up after a list is purged: the states it held of the list's tasks are gone from the projection (the
 * purge's batch swept them), whether the purge was folded by this catch-up or by another partition's fold meanwhile.
 * A later event of such a task is folded over the projection as it is now, and recorded as no longer applying; the
 * partition goes on.
 */
import { describe, expect, test } from "vitest";
import { encodeEvent, type TaskEvent } from "../../shared/domain";
import { partitionOf } from "../../shared/event-log/port";
import { DEFAULT_BUDGET } from "../../workers/projector/fold/budget";
import { catchUp } from "../../workers/projector/fold/catch-up";
import { completed, envelope, purgedRecord, TASK_ID, uuid } from "../domain/fixtures";
import { given, progress, taskOn } from "./given";

const onList = (listId: string): TaskEvent => ({ type: "TaskCreated", data: { text: "Buy milk", listId } });

/** A list id whose events go to `partition` of `partitions`. */
function listOn(partition: number, partitions: number): string {
  for (let i = 0; ; i++) if (partitionOf(`list-${i}`, partitions) === partition) return `list-${i}`;
}

describe("catch-up after a purge", () => {
  test("catch-up: a task's event after its list's purge in the same catch-up is rejected, and the partition goes on", async () => {
    const then = await given()
      .task(TASK_ID, onList("groceries"))
      .record("groceries", purgedRecord("groceries", 1).value)
      .task(TASK_ID, completed)
      .whenCatchUp({ budget: { batchSize: 1 } });

    expect(then.result.partitions).toEqual([
      progress({ checkpoint: 3, applied: 2, rejected: 1, caughtUp: true }),
    ]);
    expect(await then.state(TASK_ID)).toEqual({ status: "absent" });
  });

  test("catch-up: a task's event after its list was purged by another partition's fold is rejected, and the partition goes on", async () => {
    const task = taskOn(0, 2);
    const listId = listOn(1, 2);
    let purgedMeanwhile = false;
    const then = await given({ partitions: 2 })
      .task(task, onList(listId), completed)
      .record(listId, purgedRecord(listId, 0, 1).value)
      .whenCatchUp({
        only: [0],
        budget: { batchSize: 1 },
        // Partition 1 is folded, purging the list, between partition 0's first batch and its second read.
        log: (w) => ({
          ...w.log,
          async read(partition, fromOffset, options) {
            if (partition === 0 && fromOffset === 1 && !purgedMeanwhile) {
              purgedMeanwhile = true;
              const other = await catchUp(
                { log: w.log, store: w.projection.sink, lease: w.projection.lease, logger: w.logger },
                DEFAULT_BUDGET,
                [1],
              );
              expect(other.partitions[0]?.caughtUp).toBe(true);
            }
            return w.log.read(partition, fromOffset, options);
          },
        }),
      });

    expect(purgedMeanwhile).toBe(true);
    expect(then.result.partitions).toEqual([
      progress({ partition: 0, checkpoint: 2, applied: 1, rejected: 1, caughtUp: true }),
    ]);
    expect(await then.state(task)).toEqual({ status: "absent" });
  });

  test("catch-up: a task created again after its list's purge, in the same batch, is folded after the purge's sweep", async () => {
    // A client may name its task's id: once the list is purged, the id is free, and a create of it is accepted.
    const then = await given()
      .task(TASK_ID, onList("groceries"))
      .record("groceries", purgedRecord("groceries", 1).value)
      .record(
        TASK_ID,
        encodeEvent(
          envelope({ type: "TaskCreated", data: { text: "Call mum" } }, { version: 1, eventId: uuid(77) }),
        ),
      )
      .whenCatchUp();

    expect(then.result.partitions).toEqual([progress({ checkpoint: 3, applied: 3, caughtUp: true })]);
    const state = await then.state(TASK_ID);
    expect(state.status === "active" && state.task).toMatchObject({ text: "Call mum", version: 1 });
    expect(state.status === "active" && state.task.listId).toBeUndefined();
    expect((await then.world.projection.readModel.history(TASK_ID)).map((e) => e.eventId)).toEqual([
      uuid(77),
    ]);
  });
});
