/**
 * The catch-up, specified in-process: given records in the log, when the catch-up runs, then the checkpoints, the
 * projection, the stops and what it reports per partition are these. The protocol and fault suites
 * (test/workers/projector-*) run the same code in workerd against the local stack.
 */
import { describe, expect, test } from "vitest";
import { CURRENT_SCHEMA_VERSION, encodeEvent, initialState } from "../../shared/domain";
import type { EventLog } from "../../shared/event-log/port";
import type { FoldSink } from "../../shared/projection/fold-sink";
import { LEASE_MS } from "../../workers/projector/fold/catch-up";
import { completed, created, envelope, renamed, reopened, TASK_ID, uuid } from "../domain/fixtures";
import { stateAfter } from "../domain/given";
import { given, progress, taskOn, type World } from "./given";

const A = TASK_ID;
/** A batch's bytes that hold the writes of one of these specs' events, not two. */
const BATCH_BYTES_FOR_ONE = 1000;
const OTHER = "a fold in another invocation";

/**
 * The world's log, which runs `act` once, after the first read whose records `when` picks (the empty read at the
 * end, or one with records) and before that read answers: a poke, a clock moved on, between two steps of the fold.
 */
function onceARead(
  when: "empty" | "records",
  act: (w: World, partition: number) => Promise<void>,
): (w: World) => EventLog {
  let done = false;
  return (w) => ({
    ...w.log,
    async read(partition, fromOffset, options) {
      const records = await w.log.read(partition, fromOffset, options);
      if (!done && (records.length === 0) === (when === "empty")) {
        done = true;
        await act(w, partition);
      }
      return records;
    },
  });
}

describe("catch-up of one partition", () => {
  test("catch-up: folds every event into the projection and moves the checkpoint to the log's head", async () => {
    const life = [created("Water the plants"), renamed("Water the ferns"), completed];

    const then = await given()
      .task(A, ...life)
      .whenCatchUp();

    expect(then.result).toEqual({
      caughtUp: true,
      partitions: [progress({ checkpoint: 3, applied: 3, caughtUp: true })],
    });
    expect(await then.checkpoints()).toEqual({ 0: 3 });
    expect(await then.state(A)).toEqual(stateAfter(A, life));
    expect(then.world.lines.map((l) => [l.level, l.msg])).toEqual([
      ["info", "events loaded"],
      ["info", "checkpoint advanced"],
    ]);
  });

  test("catch-up: a run after a caught-up one starts at the checkpoint and applies nothing twice", async () => {
    const first = await given().task(A, created("Call the plumber"), completed).whenCatchUp();

    const then = await first.again();

    expect(then.result.partitions).toEqual([progress({ from: 2, checkpoint: 2, caughtUp: true })]);
    expect((await then.world.projection.readModel.counters()).applied).toBe(2);
  });

  test("catch-up: an event that does not apply is rejected and a record that is no event dead-lettered; the checkpoint passes both", async () => {
    const B = taskOn(0, 1, 1);

    const then = await given()
      .task(A, created("Pay the rent"))
      .record(A, "not an event")
      .task(B, renamed("a task never created"))
      .task(A, completed)
      .whenCatchUp();

    expect(then.result.partitions).toEqual([
      progress({ checkpoint: 4, applied: 2, rejected: 1, dead: 1, caughtUp: true }),
    ]);
    expect(await then.state(A)).toEqual(stateAfter(A, [created("Pay the rent"), completed]));
    expect(await then.state(B)).toEqual(initialState());
    const problems = await then.world.projection.readModel.problems(10);
    expect(problems.dead).toEqual([
      expect.objectContaining({ partition: 0, offset: 1, value: "not an event" }),
    ]);
    expect(problems.rejected).toEqual([
      expect.objectContaining({ partition: 0, offset: 2, taskId: B, type: "TaskRenamed" }),
    ]);
  });

  test("catch-up: a record of a newer schema stops the partition before it, and a later run does not skip it", async () => {
    const newer = JSON.stringify({
      ...JSON.parse(encodeEvent(envelope(completed, { taskId: A, version: 2 }))),
      schemaVersion: CURRENT_SCHEMA_VERSION + 1,
    });

    const first = await given()
      .task(A, created("Renew the passport"))
      .record(A, newer)
      .task(A, reopened)
      .whenCatchUp();
    const then = await first.again();

    const stopped = { offset: 1, reason: expect.stringMatching(/waiting here/), since: expect.any(String) };
    expect(first.result.partitions).toEqual([progress({ checkpoint: 1, applied: 1, stopped })]);
    expect(then.result.partitions).toEqual([progress({ from: 1, checkpoint: 1, stopped })]);
    expect(await then.checkpoints()).toEqual({ 0: 1 });
    expect(await then.stops()).toEqual(new Map([[0, stopped]]));
    expect(then.world.lines.filter((l) => l.msg === "partition stopped")).toEqual([
      expect.objectContaining({ level: "error", partition: 0, offset: 1 }),
      expect.objectContaining({ level: "error", partition: 0, offset: 1 }),
    ]);
  });

  test("catch-up: a gap in the log stops the partition at the first missing offset, naming it; what comes before it is folded, nothing after it", async () => {
    const planted = created("Plant the bulbs");
    const life = [planted, renamed("Plant the tulips"), completed, reopened];
    const first = await given().task(A, planted).whenCatchUp();
    await first.world.log.append(
      A,
      life.slice(1).map((event, i) => encodeEvent(envelope(event, { taskId: A, version: i + 2 }))),
    );
    first.world.log.lose(0, [2]);

    const then = await first.again();
    const again = await then.again();

    const stopped = {
      offset: 2,
      reason: expect.stringMatching(/from offset 1 answered offsets 1 to 3 with 1 missing \(offset 2\)/),
      since: expect.any(String),
    };
    expect(then.result).toEqual({
      caughtUp: false,
      partitions: [progress({ from: 1, checkpoint: 2, applied: 1, stopped })],
    });
    expect(again.result.partitions).toEqual([
      progress({
        from: 2,
        checkpoint: 2,
        stopped: {
          ...stopped,
          reason: expect.stringMatching(/from offset 2 answered offsets 3 to 3 with 1 missing \(offset 2\)/),
        },
      }),
    ]);
    expect(await then.checkpoints()).toEqual({ 0: 2 });
    expect(await then.state(A)).toEqual(stateAfter(A, life.slice(0, 2)));
    expect(again.world.lines.filter((l) => l.msg === "partition stopped")).toEqual([
      expect.objectContaining({ level: "error", partition: 0, offset: 2 }),
      expect.objectContaining({ level: "error", partition: 0, offset: 2 }),
    ]);
  });

  test("catch-up: before a gap, records more than one batch's bytes hold are folded in turn, then it stops at the gap", async () => {
    const life = [created("Plant the bulbs"), renamed("Plant the tulips"), completed, reopened, completed];
    const first = await given().whenCatchUp();
    await first.world.log.append(
      A,
      life.map((event, i) => encodeEvent(envelope(event, { taskId: A, version: i + 1 }))),
    );
    first.world.log.lose(0, [3]);

    // One event's writes fit a batch's bytes, two do not: the read answers three records before the gap, folded one
    // batch at a time.
    const then = await first.again({ budget: { batchBytes: BATCH_BYTES_FOR_ONE } });

    expect(then.result.partitions).toEqual([
      progress({
        checkpoint: 3,
        applied: 3,
        stopped: {
          offset: 3,
          reason: expect.stringMatching(/with 1 missing \(offset 3\)/),
          since: expect.any(String),
        },
      }),
    ]);
    expect(await then.state(A)).toEqual(stateAfter(A, life.slice(0, 3)));
    expect(then.world.lines.filter((l) => l.msg === "checkpoint advanced")).toHaveLength(3);
  });

  test("catch-up: the events budget stops it at a batch's end, and it gives the partition's lease up", async () => {
    const life = [created("Read a book"), completed, reopened, completed, reopened];

    const then = await given()
      .task(A, ...life)
      .whenCatchUp({ budget: { batchSize: 2, maxEvents: 4 } });

    expect(then.result).toEqual({
      caughtUp: false,
      partitions: [progress({ checkpoint: 4, applied: 4 })],
    });
    expect(await then.state(A)).toEqual(stateAfter(A, life.slice(0, 4)));
    expect(await then.world.projection.lease.claim(0, OTHER, 5000)).toEqual({ claimed: true, checkpoint: 4 });
  });

  test("catch-up: each batch is folded over its own tasks' states only, however many tasks the catch-up folded before it", async () => {
    const B = uuid(2, "5b1e9c2d");
    const C = uuid(3, "6c2f0d3e");
    const told: Array<[string[], string[]]> = [];

    await given()
      .task(A, created("Buy milk"))
      .task(B, created("Call mum"))
      .task(C, created("Fix the bike"))
      .task(A, completed)
      .whenCatchUp({
        budget: { batchSize: 2 },
        applied: (batch) => told.push([batch.taskIds, [...batch.states.keys()].sort()]),
      });

    // Copying every state known into each batch made a long catch-up quadratic in its length.
    expect(told).toEqual([
      [[A, B], [A, B].sort()],
      [[C, A], [C, A].sort()],
    ]);
  });

  test("catch-up: a partition another fold holds is not read, but marked for that fold to read again", async () => {
    const then = await given()
      .task(A, created("Fix the bike"))
      .and((w) => w.projection.lease.claim(0, OTHER, 5000).then(() => undefined))
      .whenCatchUp();

    expect(then.result.partitions).toEqual([progress({ coalesced: true })]);
    expect(await then.checkpoints()).toEqual({});
    expect(await then.world.projection.lease.finish(0, OTHER, 5000)).toBe("more");
  });

  // Batches of one record: each read comes back full, so the fold reads once more (empty) and ends with a finish.
  test("catch-up: an event appended and poked between its last read and its release is folded before it lets go", async () => {
    const late = encodeEvent(envelope(completed, { taskId: A, version: 2 }));
    const pokedAfterTheLastRead = onceARead("empty", async (w, partition) => {
      await w.log.append(A, [late]);
      await w.projection.lease.claim(partition, OTHER, 5000);
    });

    const then = await given()
      .task(A, created("Book the train"))
      .whenCatchUp({ log: pokedAfterTheLastRead, budget: { batchSize: 1 } });

    expect(then.result.partitions).toEqual([progress({ checkpoint: 2, applied: 2, caughtUp: true })]);
    expect(await then.state(A)).toEqual(stateAfter(A, [created("Book the train"), completed]));
    expect(await then.world.projection.lease.claim(0, OTHER, 5000)).toEqual({ claimed: true, checkpoint: 2 });
  });

  test("catch-up: a poke that marked the partition while its last read outlasted the lease is not lost: it claims the partition again and reads on", async () => {
    const late = encodeEvent(envelope(completed, { taskId: A, version: 2 }));
    // The last read takes longer than the lease; a poke comes while the lease is still held and leaves its mark,
    // then the lease runs out, so ending the fold finds it lost and nobody holds the partition.
    const slowLastRead = onceARead("empty", async (w, partition) => {
      w.advance(1000);
      await w.log.append(A, [late]);
      expect(await w.projection.lease.claim(partition, OTHER, LEASE_MS)).toEqual({ claimed: false });
      w.advance(LEASE_MS - 1);
    });

    const then = await given()
      .task(A, created("Book the train"))
      .whenCatchUp({ log: slowLastRead, budget: { batchSize: 1 } });

    expect(then.result.partitions).toEqual([progress({ checkpoint: 2, applied: 2, caughtUp: true })]);
    expect(await then.state(A)).toEqual(stateAfter(A, [created("Book the train"), completed]));
    expect(await then.world.projection.lease.claim(0, OTHER, LEASE_MS)).toEqual({
      claimed: true,
      checkpoint: 2,
    });
  });

  describe.each([
    ["a log whose short reads tell the end (Redis Streams)", true, false],
    ["a log whose short reads may stop early (Kafka)", false, false],
    ["a log whose short reads may stop early, poked for the record the read reaches", false, true],
  ])("the batch that reaches the end ends the fold in its apply, on %s", (_, shortReadsEnd, told) => {
    // The poke an append sent names its record (offset 0 in these specs): a short read that reaches it is the end.
    const announced = told ? { announced: { partition: 0, offset: 0 } } : {};
    const on =
      (log: (w: World) => EventLog = (w) => w.log) =>
      (w: World): EventLog => ({ ...log(w), shortReadsEnd });

    test("catch-up: one event is folded with one claim, its read, its states and its apply, and the lease is let go", async () => {
      let reads = 0;
      let finishes = 0;
      const counted = (w: World): EventLog => ({
        ...w.log,
        read: (partition, fromOffset, options) => {
          reads++;
          return w.log.read(partition, fromOffset, options);
        },
      });

      const then = await given()
        .task(A, created("Post the letter"))
        .and(async (w) => {
          const finish = w.projection.lease.finish;
          w.projection.lease.finish = (...args) => {
            finishes++;
            return finish(...args);
          };
        })
        .whenCatchUp({ log: on(counted), ...announced });

      expect(then.result.partitions).toEqual([progress({ checkpoint: 1, applied: 1, caughtUp: true })]);
      // The read made ahead, overlapping the apply, only where a short read does not tell the end.
      expect({ reads, finishes }).toEqual({ reads: shortReadsEnd || told ? 1 : 2, finishes: 0 });
      expect(await then.world.projection.lease.claim(0, OTHER, LEASE_MS)).toEqual({
        claimed: true,
        checkpoint: 1,
      });
    });

    test("catch-up: a poke that marks the partition before that batch is applied makes it read again, not let go", async () => {
      const late = encodeEvent(envelope(completed, { taskId: A, version: 2 }));
      const pokedBeforeTheApply = onceARead("records", async (w, partition) => {
        await w.log.append(A, [late]);
        expect(await w.projection.lease.claim(partition, OTHER, LEASE_MS)).toEqual({ claimed: false });
      });

      const then = await given()
        .task(A, created("Book the train"))
        .whenCatchUp({ log: on(pokedBeforeTheApply), ...announced });

      expect(then.result.partitions).toEqual([progress({ checkpoint: 2, applied: 2, caughtUp: true })]);
      expect(await then.state(A)).toEqual(stateAfter(A, [created("Book the train"), completed]));
      expect(await then.world.projection.lease.claim(0, OTHER, LEASE_MS)).toEqual({
        claimed: true,
        checkpoint: 2,
      });
    });

    test("catch-up: a lease that ran out before that batch was applied is claimed again, and the fold reads on", async () => {
      const late = encodeEvent(envelope(completed, { taskId: A, version: 2 }));
      // The read outlasts the lease, and a poke comes after it ran out: it claims the partition, then gives it
      // up as a fold that failed would; the event it was sent for is left to the fold whose lease was lost.
      const slowRead = onceARead("records", async (w, partition) => {
        w.advance(LEASE_MS + 1);
        await w.log.append(A, [late]);
        expect(await w.projection.lease.claim(partition, OTHER, LEASE_MS)).toMatchObject({ claimed: true });
        await w.projection.lease.drop(partition, OTHER);
      });

      const then = await given()
        .task(A, created("Book the train"))
        .whenCatchUp({ log: on(slowRead), ...announced });

      expect(then.result.partitions).toEqual([progress({ checkpoint: 2, applied: 2, caughtUp: true })]);
      expect(await then.state(A)).toEqual(stateAfter(A, [created("Book the train"), completed]));
    });
  });

  describe("on a log whose short reads may stop early, a fetch stopping at its byte limit after one record of three", () => {
    const byteLimited = (): ((w: World) => EventLog) => {
      let first = true;
      return (w) => ({
        ...w.log,
        async read(partition, fromOffset, options) {
          const records = await w.log.read(partition, fromOffset, options);
          if (!first) return records;
          first = false;
          return records.slice(0, 1);
        },
      });
    };
    const life = [created("Paint the fence"), renamed("Paint the gate"), completed];

    test("catch-up: records the read made ahead finds after the lease was let go are claimed and folded", async () => {
      const then = await given()
        .task(A, ...life)
        .whenCatchUp({ log: byteLimited() });

      expect(then.result.partitions).toEqual([progress({ checkpoint: 3, applied: 3, caughtUp: true })]);
      expect(await then.state(A)).toEqual(stateAfter(A, life));
      expect(await then.world.projection.lease.claim(0, OTHER, LEASE_MS)).toEqual({
        claimed: true,
        checkpoint: 3,
      });
    });

    test("catch-up: poked for a record that read did not reach, the fold reads on to the end", async () => {
      const then = await given()
        .task(A, ...life)
        .whenCatchUp({ log: byteLimited(), announced: { partition: 0, offset: 2 } });

      expect(then.result.partitions).toEqual([progress({ checkpoint: 3, applied: 3, caughtUp: true })]);
      expect(await then.state(A)).toEqual(stateAfter(A, life));
    });

    test("catch-up: poked for the record that read reached, the fold ends there; the records after it are folded by their own pokes", async () => {
      const then = await given()
        .task(A, ...life)
        .whenCatchUp({ log: byteLimited(), announced: { partition: 0, offset: 0 } });

      expect(then.result.partitions).toEqual([progress({ checkpoint: 1, applied: 1, caughtUp: true })]);
      const next = await then.again({ announced: { partition: 0, offset: 2 } });
      expect(next.result.partitions).toEqual([
        progress({ from: 1, checkpoint: 3, applied: 2, caughtUp: true }),
      ]);
      expect(await next.state(A)).toEqual(stateAfter(A, life));
    });
  });

  test("catch-up: new tasks are folded without reading their states; a task created before is read once", async () => {
    const B = uuid(2, "5b1e9c2d");
    const read: string[][] = [];
    const counted = (w: World): FoldSink => ({
      ...w.projection.sink,
      states: (ids) => {
        read.push(ids);
        return w.projection.sink.states(ids);
      },
    });
    const first = await given()
      .task(A, created("Buy milk"), renamed("Buy oat milk"))
      .task(B, created("Call mum"))
      .whenCatchUp({ sink: counted });
    expect(read).toEqual([]);

    const then = await first.world.log
      .append(A, [encodeEvent(envelope(completed, { taskId: A, version: 3 }))])
      .then(() => first.again({ sink: counted }));

    expect(read).toEqual([[A]]);
    expect(then.result.partitions).toEqual([
      progress({ from: 3, checkpoint: 4, applied: 1, caughtUp: true }),
    ]);
    expect(await then.state(A)).toEqual(
      stateAfter(A, [created("Buy milk"), renamed("Buy oat milk"), completed]),
    );
  });

  test("catch-up: a creation stored twice is rejected, not folded over the task: the refused batch is folded again over its state", async () => {
    const B = uuid(2, "5b1e9c2d");
    const creation = encodeEvent(envelope(created("Buy milk"), { taskId: A, version: 1 }));
    const first = await given().record(A, creation).whenCatchUp();

    // The same record again (a producer's retry), then a new task, in one batch.
    await first.world.log.append(A, [creation]);
    await first.world.log.append(B, [encodeEvent(envelope(created("Call mum"), { taskId: B, version: 1 }))]);
    const then = await first.again();

    expect(then.result.partitions).toEqual([
      progress({ from: 1, checkpoint: 3, applied: 1, rejected: 1, caughtUp: true }),
    ]);
    expect(await then.state(A)).toEqual(stateAfter(A, [created("Buy milk")]));
    expect(await then.state(B)).toEqual(stateAfter(B, [created("Call mum")]));
    expect((await then.world.projection.readModel.problems(5)).rejected).toEqual([
      expect.objectContaining({ offset: 1, taskId: A, type: "TaskCreated" }),
    ]);
  });

  test("catch-up: after losing the checkpoint compare-and-set three times in a row it yields to the fold that won", async () => {
    const life = [created("Plan the trip"), renamed("Plan the holiday"), completed, reopened, completed];
    // Another invocation applies each batch just before this one does, as one folding the same records would.
    const beaten = (w: World): FoldSink => ({
      ...w.projection.sink,
      async applyBatch(batch, partitions, now, lease) {
        await w.projection.sink.applyBatch(batch, partitions, now);
        return w.projection.sink.applyBatch(batch, partitions, now, lease);
      },
    });

    const then = await given()
      .task(A, ...life)
      .whenCatchUp({ budget: { batchSize: 1 }, sink: beaten });

    expect(then.result.partitions).toEqual([progress({ checkpoint: 3, contended: 3, yielded: true })]);
    expect(await then.state(A)).toEqual(stateAfter(A, life.slice(0, 3)));
    expect((await then.world.projection.readModel.counters()).folds).toEqual({ applied: 3, lost: 3 });
  });
});

describe("catch-up of several partitions", () => {
  const P0 = taskOn(0, 2);
  const P1 = taskOn(1, 2);

  test("catch-up: folds each partition from its own checkpoint and reports them in partition order", async () => {
    const then = await given({ partitions: 2 })
      .task(P1, created("on partition 1"), completed)
      .task(P0, created("on partition 0"))
      .whenCatchUp();

    expect(then.result).toEqual({
      caughtUp: true,
      partitions: [
        progress({ partition: 0, checkpoint: 1, applied: 1, caughtUp: true }),
        progress({ partition: 1, checkpoint: 2, applied: 2, caughtUp: true }),
      ],
    });
    expect(await then.checkpoints()).toEqual({ 0: 1, 1: 2 });
  });

  test("catch-up: asked for one partition, it folds that one alone", async () => {
    const then = await given({ partitions: 2 })
      .task(P0, created("on partition 0"))
      .task(P1, created("on partition 1"))
      .whenCatchUp({ only: [1] });

    expect(then.result.partitions).toEqual([
      progress({ partition: 1, checkpoint: 1, applied: 1, caughtUp: true }),
    ]);
    expect(await then.checkpoints()).toEqual({ 1: 1 });
  });

  test("catch-up: a partition whose log read fails is reported failed, and the other is still folded", async () => {
    const then = await given({ partitions: 2 })
      .task(P0, created("on partition 0"))
      .task(P1, created("on partition 1"))
      .and(async (w) => w.log.fail("read", "refuse", 1))
      .whenCatchUp();

    expect(then.result).toEqual({
      caughtUp: false,
      partitions: [
        progress({
          partition: 0,
          failed: { service: "kafka", error: expect.stringMatching(/^kafka: read refused/) },
        }),
        progress({ partition: 1, checkpoint: 1, applied: 1, caughtUp: true }),
      ],
    });
    expect(then.world.lines.filter((l) => l.level === "error")).toEqual([
      expect.objectContaining({ msg: "partition fold failed", partition: 0, service: "kafka" }),
    ]);
    expect(await then.world.projection.lease.claim(0, OTHER, 5000)).toEqual({ claimed: true, checkpoint: 0 });
  });
});
