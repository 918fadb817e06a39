/**
 * Redis not answering a script call within its time limit (`REDIS_TIMEOUT_MS`, here 1 s). `@upstash/redis`
 * given a plain AbortSignal resolves an aborted call as if it had succeeded; the store must see a timeout as a
 * failure. The projector answers 5xx (so QStash retries) and nothing partial is visible: a fold batch is either
 * all there with its checkpoint or not at all, even when the script lands after the projector gave up on it.
 */
import { describe, expect, it } from "vitest";
import { NOTHING_CHANGED, unavailable } from "../support/graphql-answers";
import {
  createTask,
  historyOf,
  injectFault,
  logHead,
  recordsOf,
  releaseHeld,
  UPDATE,
} from "./support/command-support";
import {
  expectProjectionOfLog,
  fold,
  newTaskId,
  produceEvents,
  readLog,
  readProjection,
  taskLife,
} from "./support/projector-model";
import { admin, eventually, type Projector, poke, status, useProjectors } from "./support/projector-support";
import { useSystem } from "./support/use-system";

/** Short, so that a held script times out soon, with room for every call not held to answer on a loaded machine. */
const REDIS_TIMEOUT_MS = 1000;

/** The body of a request that Redis did not answer within its limit, before any append. */
const redisTimedOut = (field: string) =>
  unavailable(field, "redis", `redis did not answer within ${REDIS_TIMEOUT_MS} ms; ${NOTHING_CHANGED}`);
/** Longer than the time limit: the store gives up first. */
const HANG_MS = 3000;

const sys = useSystem({ bindings: { REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS) } });
const projectorWith = useProjectors(sys, { faults: ["redis"] });

/** Holds (`timeout`) or delays the next fold script call of this projector (only its fold names its counters). */
const faultNextFold = (p: Projector, kind: "timeout" | "delay") =>
  admin(sys().stack.redis.url, "POST", "faults", {
    kind,
    ms: HANG_MS,
    count: 1,
    bodyIncludes: `${p.prefix}:counters`,
  });

describe("the fold script timing out", () => {
  it("projection: a fold script held past REDIS_TIMEOUT_MS answers 503, leaves nothing, and a retry converges", async () => {
    const p = await projectorWith();
    await produceEvents(p, taskLife(newTaskId(), 3));
    await faultNextFold(p, "timeout");

    const failed = await poke(p);

    expect({ status: failed.status, code: failed.body.code }).toEqual({ status: 503, code: "UNAVAILABLE" });
    expect(await readProjection(p)).toEqual(fold([], 1));
    // The held call is dropped unprocessed once its hold ends (now): still nothing.
    await releaseHeld(sys().stack.redis.url);
    expect(await readProjection(p)).toEqual(fold([], 1));
    expect((await status(p)).partitions).toEqual([
      { partition: 0, checkpoint: 0, head: 4, lag: 4, deadLettered: 0 },
    ]);

    const retried = await poke(p);

    expect(retried.status).toBe(200);
    expect(retried.body.partitions).toMatchObject([{ from: 0, checkpoint: 4, applied: 4, caughtUp: true }]);
    await expectProjectionOfLog(p);
  });

  it("projection: a fold script answered after the limit is 503, then lands whole, and the retry folds the rest", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "4" });
    await produceEvents(p, [
      ...taskLife(newTaskId(), 3),
      ...taskLife(newTaskId(), 3),
      ...taskLife(newTaskId(), 3),
    ]);
    await faultNextFold(p, "delay");

    const failed = await poke(p);

    expect({ status: failed.status, code: failed.body.code }).toEqual({ status: 503, code: "UNAVAILABLE" });
    const log = await readLog(p);
    expect(await readProjection(p)).toEqual(fold([], 1));
    // The late script applies its whole batch with its checkpoint, and nothing beyond it.
    await eventually(async () => expect((await status(p)).partitions[0]?.checkpoint).toBe(4));
    expect(await readProjection(p)).toEqual(fold(log.slice(0, 4), 1));

    const retried = await poke(p);

    expect(retried.status).toBe(200);
    expect(retried.body.partitions).toMatchObject([{ from: 4, checkpoint: 12, applied: 8, caughtUp: true }]);
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 12, rejected: 0, dead: 0 });
  });
});

describe("the reservation script timing out", () => {
  it("updateTask: a reservation held past REDIS_TIMEOUT_MS is UNAVAILABLE naming the limit, and appends nothing", async () => {
    const { task } = await createTask(sys(), "Redis holds the reservation");
    await historyOf(sys(), task.id, 1);
    const head = await logHead(sys());
    const prefix = sys().env.PROJECTION_PREFIX;
    // The reservation script's KEYS side by side: the create's commit, which may still run after its answer, names
    // the reservation key too, and would take a fault matched on that key alone.
    await injectFault(sys().stack.redis.url, {
      kind: "timeout",
      ms: HANG_MS,
      bodyIncludes: `${prefix}:reservation:${task.id}","${prefix}:last-reserved:${task.id}`,
    });

    const res = await sys().graphql(UPDATE, { id: task.id, text: "Never reserved", done: true });

    expect(res.body).toEqual(redisTimedOut("updateTask"));
    expect(await logHead(sys())).toBe(head);
    // The held call was never run, so nothing holds the task: a retry goes through at once.
    const retry = await sys().graphql(UPDATE, { id: task.id, text: "Never reserved", done: true });
    expect(retry.body).toEqual({
      data: {
        updateTask: {
          ...task,
          text: "Never reserved",
          done: true,
          version: 3,
          updatedAt: expect.any(String),
        },
      },
    });
    expect((await recordsOf(sys(), task.id)).map((r) => JSON.parse(r.value).type)).toEqual([
      "TaskCreated",
      "TaskRenamed",
      "TaskCompleted",
    ]);
  });
});

describe("the time limits' bindings", () => {
  it.each([
    ["REDIS_TIMEOUT_MS", "0"],
    ["KAFKA_TIMEOUT_MS", "lots"],
  ])("projection: %s=%s fails fast with a message naming the binding", async (name, value) => {
    const p = await projectorWith({ [name]: value });

    const res = await poke(p);

    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 500,
      error: `configuration: ${name} must be an integer from 50 to 30000 (ms)`,
    });
  });
});
