/**
 * A fold batch is all or nothing (docs/architecture.md#fencing-the-checkpoint-compare-and-set): the script checks every key it will write before its first
 * write, so a projection key of the wrong type fails the batch with nothing applied; and one partition that
 * cannot be folded does not stop the others.
 */
import { Redis } from "@upstash/redis";
import { describe, expect, it } from "vitest";
import { partitionOf } from "../../shared/event-log/port";
import {
  envelopes,
  expectProjectionOfLog,
  newTaskId,
  produceEvents,
  readProjection,
} from "./support/projector-model";
import { type Projector, poke, status, useProjectors } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ partitions: 2 });
const projectorWith = useProjectors(sys, { idle: true });

function redis(p: Projector): Redis {
  return new Redis({
    url: p.env.UPSTASH_REDIS_REST_URL ?? "",
    token: p.env.UPSTASH_REDIS_REST_TOKEN ?? "",
    automaticDeserialization: false,
    enableTelemetry: false,
  });
}

/** A fresh task id whose events go to `partition` of two. */
function taskIn(partition: number): string {
  for (;;) {
    const id = newTaskId();
    if (partitionOf(id, 2) === partition) return id;
  }
}

const created = (taskId: string, text: string) =>
  envelopes(taskId, [{ type: "TaskCreated", data: { text } }]);

describe("all or nothing", () => {
  it("projection: a wrong-type value at one task's history key fails the batch with nothing written; the retry applies it whole", async () => {
    const p = await projectorWith();
    const first = taskIn(0);
    const second = taskIn(0);
    await redis(p).set(`${p.prefix}:history:${second}`, "not a list");
    await produceEvents(p, [...created(first, "first"), ...created(second, "second")]);

    const failed = await poke(p);

    expect(failed.status).toBe(503);
    const untouched = await readProjection(p);
    expect({ states: untouched.states, order: untouched.order, counters: untouched.counters }).toEqual({
      states: {},
      order: [],
      counters: { applied: 0, rejected: 0, dead: 0 },
    });
    expect(untouched.checkpoints["0"] ?? 0).toBe(0);

    await redis(p).del(`${p.prefix}:history:${second}`);
    const retried = await poke(p);

    expect(retried.status).toBe(200);
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 2, rejected: 0, dead: 0 });
    expect(projection.order).toEqual([first, second]);
  });

  it("projection: a partition that cannot be folded does not stop the others", async () => {
    const p = await projectorWith();
    const blocked = taskIn(0);
    const free = taskIn(1);
    await redis(p).set(`${p.prefix}:history:${blocked}`, "not a list");
    await produceEvents(p, [...created(blocked, "blocked"), ...created(free, "free")]);

    const res = await poke(p);

    expect(res.status).toBe(503);
    const shown = await status(p);
    expect(
      shown.partitions.map((x) => ({ partition: x.partition, checkpoint: x.checkpoint, lag: x.lag })),
    ).toEqual([
      { partition: 0, checkpoint: 0, lag: 1 },
      { partition: 1, checkpoint: 1, lag: 0 },
    ]);
    expect((await readProjection(p)).order).toEqual([free]);
  });
});
