/**
 * What a poke folds (docs/architecture.md#the-fold): from the projector's own checkpoint to the end of the log,
 * offset 0 included, and nothing at all when nothing is new; an unknown topic is an empty log; the cron
 * handler runs the same catch-up.
 */
import { describe, expect, it } from "vitest";
import {
  envelopes,
  expectProjectionOfLog,
  newTaskId,
  produceEvents,
  readProjection,
  taskLife,
} from "./support/projector-model";
import {
  admin,
  cron,
  poke,
  caughtUpProgress as progress,
  status,
  useProjectorPerTest,
} from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const projector = useProjectorPerTest(sys);

describe("folding", () => {
  it("projection: the first event (offset 0) is projected", async () => {
    const taskId = newTaskId();
    const [created] = envelopes(taskId, [{ type: "TaskCreated", data: { text: "Do the dishes!" } }]);
    if (!created) throw new Error("no envelope");
    expect(await produceEvents(projector(), [created])).toEqual([{ partition: 0, offset: 0 }]);

    const res = await poke(projector());

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { caughtUp: true, partitions: [progress(0, 1, { applied: 1 })], ownedElsewhere: false },
    });
    const projection = await expectProjectionOfLog(projector());
    expect(projection.states).toEqual({
      [taskId]: {
        status: "active",
        task: {
          id: taskId,
          text: "Do the dishes!",
          done: false,
          createdAt: created.occurredAt,
          updatedAt: created.occurredAt,
          version: 1,
        },
      },
    });
    expect(projection.checkpoints).toEqual({ "0": 1 });
  });

  it("projection: a poke continues from the checkpoint and folds only what is new", async () => {
    const first = newTaskId();
    const second = newTaskId();
    await produceEvents(projector(), taskLife(first, 2));
    await poke(projector());
    await produceEvents(projector(), [
      ...taskLife(second, 3),
      ...envelopes(first, [{ type: "TaskDeleted", data: {} }], 3),
    ]);

    const res = await poke(projector());

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { caughtUp: true, partitions: [progress(3, 8, { applied: 5 })], ownedElsewhere: false },
    });
    const projection = await expectProjectionOfLog(projector());
    expect(projection.order).toEqual([second]);
    expect(projection.states[first]).toMatchObject({ status: "deleted", id: first, version: 4 });
  });

  it("projection: a poke with nothing new claims the partition with its checkpoint, reads the log once, lets go, and runs no fold script", async () => {
    await produceEvents(projector(), taskLife(newTaskId(), 2));
    await poke(projector());
    // Once more, so that the script ending a fold with nothing read is in Redis' script cache too.
    await poke(projector());
    const before = await readProjection(projector());
    const redisUrl = sys().stack.redis.url;
    const kafkaUrl = sys().stack.kafka.url;
    await Promise.all([
      admin(redisUrl, "DELETE", "stats"),
      admin(redisUrl, "DELETE", "commands"),
      admin(kafkaUrl, "DELETE", "stats"),
    ]);

    const res = await poke(projector());

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { caughtUp: true, partitions: [progress(3, 3, {})], ownedElsewhere: false },
    });
    // The live pointer, read afresh (one request), then two scripts: claim the partition (reading its
    // checkpoint), then let it go (no poke marked more work).
    expect(await admin(redisUrl, "GET", "commands")).toEqual({
      commands: { EVALSHA: 2, GET: 1, HGETALL: 1 },
    });
    expect(await admin(redisUrl, "GET", "stats")).toEqual({
      emulator: "redis-rest",
      requests: { "POST /pipeline": 3 },
      total: 3,
    });
    expect(await admin(kafkaUrl, "GET", "stats")).toEqual({
      emulator: "kafka",
      requests: { "POST /fetch": 1 },
      total: 1,
    });
    expect(await readProjection(projector())).toEqual(before);
  });

  it("projection: an unknown topic is an empty log: 200, nothing folded, nothing written", async () => {
    const res = await poke(projector());

    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { caughtUp: true, partitions: [progress(0, 0, {})], ownedElsewhere: false },
    });
    expect(await status(projector())).toEqual({
      partitions: [{ partition: 0, checkpoint: 0, head: 0, lag: 0, deadLettered: 0 }],
      lag: 0,
      applied: 0,
      rejected: 0,
      deadLettered: 0,
      folds: { applied: 0, lost: 0 },
      deadLetters: [],
      rejectedEvents: [],
      namespace: projector().prefix,
      rebuild: null,
      lastRebuild: null,
      retiring: [],
    });
    expect(await readProjection(projector())).toEqual({
      states: {},
      order: [],
      history: {},
      deadLetters: [],
      rejected: [],
      counters: { applied: 0, rejected: 0, dead: 0 },
      checkpoints: {},
    });
  });

  it("cron: the scheduled handler runs the same catch-up as a poke", async () => {
    await produceEvents(projector(), [...taskLife(newTaskId(), 4), ...taskLife(newTaskId(), 0)]);

    await cron(projector());

    expect((await status(projector())).partitions).toEqual([
      { partition: 0, checkpoint: 6, head: 6, lag: 0, deadLettered: 0 },
    ]);
    await expectProjectionOfLog(projector());
  });
});
