/**
 * A log of three partitions (docs/architecture.md#partitions): the projector folds each from its own checkpoint, shows
 * progress and dead letters per partition, and treats an event filed under another partition than its
 * task's as poison (that task's order lives in its own partition).
 */
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../shared/domain";
import { type EventLog, partitionOf } from "../../shared/event-log/port";
import { createUpstashKafkaEventLog } from "../../shared/event-log/upstash-kafka/event-log";
import { createRedisFoldLease } from "../../shared/projection/redis/fold-lease";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { connectRedis } from "../../shared/redis/client";
import { catchUp } from "../../workers/projector/fold/catch-up";
import {
  expectProjectionOfLog,
  interleavedLives,
  newTaskId,
  produce,
  produceEvents,
  quiet,
  redis,
  taskLife,
} from "./support/projector-model";
import {
  type Answer,
  admin,
  cron,
  eventually,
  type Projector,
  poke,
  status,
  useProjectors,
} from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ partitions: 3 });
const projectorWith = useProjectors(sys, { idle: true, faults: ["qstash"] });

/** Heads per partition, from the positions the log gave the produced records. */
function heads(positions: Array<{ partition: number; offset: number }>): number[] {
  return [0, 1, 2].map((partition) =>
    positions.filter((x) => x.partition === partition).reduce((max, x) => Math.max(max, x.offset + 1), 0),
  );
}

const appliedIn = (answers: Answer[]) =>
  answers.reduce(
    (sum, a) => sum + (a.body.partitions as Array<{ applied: number }>).reduce((s, x) => s + x.applied, 0),
    0,
  );

describe("three partitions", () => {
  it("projection: folds every partition from its own checkpoint", async () => {
    const p = await projectorWith();
    const positions = await produceEvents(p, interleavedLives(30, 2));
    const head = heads(positions);
    expect(head.every((h) => h > 0)).toBe(true);

    const res = await poke(p);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      caughtUp: true,
      partitions: head.map((h, partition) => ({
        partition,
        from: 0,
        checkpoint: h,
        applied: h,
        rejected: 0,
        dead: 0,
        contended: 0,
        yielded: false,
        coalesced: false,
        caughtUp: true,
      })),
      ownedElsewhere: false,
    });
    const projection = await expectProjectionOfLog(p);
    expect(projection.order).toHaveLength(30);
    expect(projection.checkpoints).toEqual({ "0": head[0], "1": head[1], "2": head[2] });
  });

  it("status: shows checkpoint, head, lag and dead letters of each partition", async () => {
    const p = await projectorWith();
    await produceEvents(p, interleavedLives(12, 1));
    await poke(p);
    const taskId = newTaskId();
    const home = partitionOf(taskId, 3);
    const before = await status(p);
    await produceEvents(p, taskLife(taskId, 3));
    await produce(p, [{ key: taskId, value: "{not json" }]);

    const lagging = await status(p);

    const expected = before.partitions.map((x) =>
      x.partition === home ? { ...x, head: x.head + 5, lag: 5 } : { ...x, lag: 0 },
    );
    expect(lagging).toEqual({ ...before, partitions: expected, lag: 5 });
    await poke(p);
    const after = await status(p);
    expect(after.partitions).toEqual(
      expected.map((x) => (x.partition === home ? { ...x, checkpoint: x.head, lag: 0, deadLettered: 1 } : x)),
    );
    expect(after).toMatchObject({
      lag: 0,
      deadLettered: 1,
      deadLetters: [{ partition: home, offset: (before.partitions[home]?.head ?? 0) + 4 }],
    });
  });

  it("projection: an event filed under another partition than its task's stops that partition only", async () => {
    const p = await projectorWith();
    const taskId = newTaskId();
    const home = partitionOf(taskId, 3);
    const elsewhere = (home + 1) % 3;
    const [created, renamed] = taskLife(taskId, 1);
    if (!created || !renamed) throw new Error("no envelope");
    await produceEvents(p, [created]);
    const [misfiled] = await produce(p, [{ key: taskId, value: encodeEvent(renamed), partition: elsewhere }]);
    const other = newTaskId();
    await produceEvents(p, taskLife(other, 0));

    const res = await poke(p);

    expect(res.status).toBe(200);
    const shown = await status(p);
    expect(shown.deadLetters).toEqual([]);
    expect(shown.partitions.map((x) => x.stopped)).toEqual(
      [0, 1, 2].map((partition) =>
        partition === elsewhere
          ? {
              offset: misfiled?.offset,
              reason: expect.stringContaining(
                `task ${taskId} belongs to partition ${home}, not ${elsewhere}`,
              ),
              since: expect.any(String),
            }
          : undefined,
      ),
    );
    const projection = await expectProjectionOfLog(p);
    expect(projection.states[taskId]).toMatchObject({ status: "active", task: { version: 1 } });
  });

  /**
   * A projection folded on the log's partitions, then (after `meanwhile`) a second projector on the same topic and
   * prefix told the log has one partition, with more events in the log.
   */
  async function narrowedProjection(meanwhile?: (first: Projector) => Promise<unknown>) {
    const first = await projectorWith();
    await produceEvents(first, interleavedLives(6, 1));
    await poke(first);
    const before = await status(first);
    await meanwhile?.(first);
    const narrow = await projectorWith({
      UPSTASH_KAFKA_TOPIC: first.topic,
      PROJECTION_PREFIX: first.prefix,
      EVENT_LOG_PARTITIONS: "1",
    });
    await produceEvents(narrow, interleavedLives(6, 1));
    return { first, before, narrow };
  }

  it("projection: a projector configured with another partition count than the projection's refuses to fold", async () => {
    const { first, before, narrow } = await narrowedProjection();

    const res = await poke(narrow);

    expect({ status: res.status, code: res.body.code }).toEqual({ status: 500, code: "MISCONFIGURED" });
    expect(res.body.error).toMatch(
      /EVENT_LOG does not match .* they differ in the partitions \(EVENT_LOG_PARTITIONS\)/,
    );
    expect((await status(first)).partitions.map((x) => x.checkpoint)).toEqual(
      before.partitions.map((x) => x.checkpoint),
    );
  });

  it("projection: without the log's identity record, the fold script's own partition-count check stops the fold", async () => {
    // A projection folded before the identity record existed: only the partition count the fold wrote is left.
    const { first, before, narrow } = await narrowedProjection((p) =>
      redis(p).del(`${p.prefix}:log-identity`),
    );

    const res = await poke(narrow);

    expect(res.status).toBe(200);
    expect(res.body.partitions).toEqual([
      expect.objectContaining({
        partition: 0,
        applied: 0,
        caughtUp: false,
        stopped: {
          offset: before.partitions[0]?.checkpoint,
          reason: expect.stringMatching(/folded with 3 partitions.*EVENT_LOG_PARTITIONS is 1/),
          since: expect.any(String),
        },
      }),
    ]);
    expect((await status(first)).partitions.map((x) => x.checkpoint)).toEqual(
      before.partitions.map((x) => x.checkpoint),
    );
  });

  it("projection: ten concurrent pokes over three partitions apply each event exactly once", async () => {
    // Every event in the pokes' own answers: a subrequest budget that lets one invocation fold a whole partition.
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "6", PROJECTOR_MAX_SUBREQUESTS: "900" });
    await produceEvents(p, interleavedLives(40, 4));

    const answers = await Promise.all(Array.from({ length: 10 }, () => poke(p)));

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(appliedIn(answers)).toBe(200);
    expect((await status(p)).lag).toBe(0);
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 200, rejected: 0, dead: 0 });
  });

  it("projection: a budget spent before the last partition drains every partition through self-pokes", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "10", PROJECTOR_MAX_EVENTS: "25" });
    await produceEvents(p, interleavedLives(30, 3));

    const first = await poke(p);

    expect(first.status).toBe(200);
    expect(first.body.caughtUp).toBe(false);
    await eventually(async () => expect((await status(p)).lag).toBe(0));
    await expectProjectionOfLog(p);
  });

  it("catch-up: the partition folded first changes from one invocation to the next", async () => {
    const p = await projectorWith();
    await produceEvents(p, interleavedLives(9, 0));
    const log = createUpstashKafkaEventLog({
      url: p.env.UPSTASH_KAFKA_URL ?? "",
      username: p.env.UPSTASH_KAFKA_USERNAME ?? "",
      password: p.env.UPSTASH_KAFKA_PASSWORD ?? "",
      topic: p.topic,
      partitions: 3,
    });
    const redis = connectRedis({
      url: p.env.UPSTASH_REDIS_REST_URL ?? "",
      token: p.env.UPSTASH_REDIS_REST_TOKEN ?? "",
    });
    const store = createRedisFoldSink(redis, p.prefix);
    const lease = createRedisFoldLease(redis, p.prefix);
    const firsts = new Set<number>();

    for (let run = 0; run < 20; run++) {
      const reads: number[] = [];
      const recording: EventLog = {
        ...log,
        read: (partition, fromOffset, options) => {
          reads.push(partition);
          return log.read(partition, fromOffset, options);
        },
      };
      const result = await catchUp({ log: recording, store, lease, logger: quiet });
      expect(result.partitions.map((x) => x.partition)).toEqual([0, 1, 2]);
      firsts.add(reads[0] ?? -1);
    }

    expect(firsts.size).toBeGreaterThan(1);
    await expectProjectionOfLog(p);
  });

  it("projection: a poke naming one partition folds that partition only", async () => {
    const p = await projectorWith();
    const head = heads(await produceEvents(p, interleavedLives(30, 2)));

    const res = await poke(p, JSON.stringify({ partition: 1, offset: 0 }));

    expect(res.status).toBe(200);
    expect(res.body.partitions.map((x: { partition: number }) => x.partition)).toEqual([1]);
    expect((await status(p)).partitions.map((x) => x.checkpoint)).toEqual([0, head[1], 0]);
  });

  it("cron: folds the most lagging partition itself and pokes every other lagging partition through QStash", async () => {
    const p = await projectorWith();
    const head = heads(await produceEvents(p, interleavedLives(30, 2)));
    const mostBehind = head.indexOf(Math.max(...head));
    // Hold QStash's deliveries to this projector, so what the cron folded by itself shows before the fan-out lands.
    await admin(sys().stack.qstash.url, "POST", "delivery-faults", {
      kind: "delay",
      ms: 4000,
      count: 2,
      urlPrefix: p.url,
    });
    const before = sys().stack.qstash.deliveries();

    await cron(p);

    const right = (await status(p)).partitions.map((x) => x.checkpoint);
    expect(right).toEqual(head.map((h, partition) => (partition === mostBehind ? h : 0)));
    await eventually(async () => expect((await status(p)).partitions.map((x) => x.lag)).toEqual([0, 0, 0]));
    await sys().stack.qstash.idle();
    expect(sys().stack.qstash.deliveries().successes - before.successes).toBe(2);
    await expectProjectionOfLog(p);
  });

  it("cron: with nothing behind, folds nothing and pokes nothing", async () => {
    const p = await projectorWith();
    await produceEvents(p, interleavedLives(6, 1));
    await poke(p);
    const before = sys().stack.qstash.deliveries();

    await cron(p);
    await sys().stack.qstash.idle();

    expect(sys().stack.qstash.deliveries().attempts - before.attempts).toBe(0);
    expect((await status(p)).lag).toBe(0);
  });
});
