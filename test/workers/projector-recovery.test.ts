/**
 * The projector recovers by itself (docs/guarantees.md#any-order-of-pokes-folds-the-log-exactly): a lost poke is made good by the cron
 * catch-up; a failing upstream gets a 5xx (so QStash retries) and leaves no partial fold; a backlog larger than
 * one invocation's budget drains through the projector poking itself again, concurrent pokes included.
 */
import { Client } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { notStarted } from "../../workers/projector/fold/progress";
import type { TestSystem } from "../support/system";
import {
  expectProjectionOfLog,
  fold,
  interleavedLives,
  newTaskId,
  produceEvents,
  readLog,
  readProjection,
  taskLife,
} from "./support/projector-model";
import { admin, cron, eventually, poke, status, useProjectors } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const projectorWith = useProjectors(sys, { idle: true, faults: ["redis", "kafka", "qstash"] });

function qstash(): Client {
  return new Client({ baseUrl: sys().env.QSTASH_URL, token: sys().env.QSTASH_TOKEN ?? "" });
}

function deliveriesSince(before: ReturnType<TestSystem["stack"]["qstash"]["deliveries"]>) {
  const after = sys().stack.qstash.deliveries();
  return {
    attempts: after.attempts - before.attempts,
    successes: after.successes - before.successes,
    failures: after.failures - before.failures,
    dropped: after.dropped - before.dropped,
  };
}

const failNextFoldScript = (bodyIncludes = "evalsha", count = 1) =>
  admin(sys().stack.redis.url, "POST", "faults", { kind: "fail", status: 503, count, bodyIncludes });

describe("lost pokes", () => {
  it("projection: an event whose poke is dropped is projected by the scheduled handler", async () => {
    const p = await projectorWith();
    await produceEvents(p, taskLife(newTaskId(), 2));
    const before = sys().stack.qstash.deliveries();
    await admin(sys().stack.qstash.url, "POST", "delivery-faults", { kind: "drop", urlPrefix: p.url });

    await qstash().publishJSON({ url: p.webhook, body: { partition: 0, offset: 2, reason: "append" } });
    await sys().stack.qstash.idle();
    expect(deliveriesSince(before)).toEqual({ attempts: 0, successes: 0, failures: 0, dropped: 1 });
    expect((await status(p)).partitions).toEqual([
      { partition: 0, checkpoint: 0, head: 3, lag: 3, deadLettered: 0 },
    ]);

    await cron(p);

    expect((await status(p)).partitions).toEqual([
      { partition: 0, checkpoint: 3, head: 3, lag: 0, deadLettered: 0 },
    ]);
    await expectProjectionOfLog(p);
  });
});

describe("upstream failures", () => {
  it("projection: Redis failing on the fold script answers 503, changes nothing, and a retry converges", async () => {
    const p = await projectorWith();
    await produceEvents(p, taskLife(newTaskId(), 3));
    await failNextFoldScript();

    const failed = await poke(p);

    expect({ status: failed.status, body: failed.body }).toEqual({
      status: 503,
      body: {
        error: "a backing service is unavailable (redis); retry later",
        code: "UNAVAILABLE",
        requestId: failed.headers.get("x-request-id"),
      },
    });
    expect(await readProjection(p)).toEqual(fold([], 1));
    expect((await poke(p)).status).toBe(200);
    await expectProjectionOfLog(p);
  });

  it("projection: Redis failing mid-fold keeps the batches already applied whole and nothing of the failed one", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "4" });
    const second = newTaskId();
    await produceEvents(p, [
      ...taskLife(newTaskId(), 3),
      ...taskLife(second, 3),
      ...taskLife(newTaskId(), 3),
    ]);
    // Only the second batch's script call names the second task's history key.
    await failNextFoldScript(`${p.prefix}:history:${second}`);

    const failed = await poke(p);

    expect(failed.status).toBe(503);
    const log = await readLog(p);
    expect(await readProjection(p)).toEqual(fold(log.slice(0, 4), 1));
    expect((await status(p)).partitions).toEqual([
      { partition: 0, checkpoint: 4, head: 12, lag: 8, deadLettered: 0 },
    ]);
    const retried = await poke(p);
    expect(retried.body.partitions).toMatchObject([{ from: 4, checkpoint: 12, applied: 8, caughtUp: true }]);
    await expectProjectionOfLog(p);
  });

  it("projection: the event log failing answers 503 and folds nothing", async () => {
    const p = await projectorWith();
    await produceEvents(p, taskLife(newTaskId(), 1));
    await admin(sys().stack.kafka.url, "POST", "faults", { kind: "fail", status: 500, path: "/fetch" });

    const failed = await poke(p);

    expect({ status: failed.status, body: failed.body }).toEqual({
      status: 503,
      body: {
        error: "a backing service is unavailable (kafka); retry later",
        code: "UNAVAILABLE",
        requestId: failed.headers.get("x-request-id"),
      },
    });
    expect(await readProjection(p)).toEqual(fold([], 1));
  });

  it("projection: QStash retries a poke the projector failed until the fold goes through", async () => {
    const p = await projectorWith();
    await produceEvents(p, taskLife(newTaskId(), 4));
    await failNextFoldScript("evalsha", 2);
    const before = sys().stack.qstash.deliveries();

    await qstash().publishJSON({
      url: p.webhook,
      body: { partition: 0, offset: 4, reason: "append" },
      retries: 3,
    });
    await eventually(async () => expect((await status(p)).lag).toBe(0));
    await sys().stack.qstash.idle();

    expect(deliveriesSince(before)).toEqual({ attempts: 3, successes: 1, failures: 2, dropped: 0 });
    await expectProjectionOfLog(p);
  });
});

describe("budget", () => {
  it("projection: a backlog larger than one invocation's budget drains fully through self-pokes", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "10", PROJECTOR_MAX_EVENTS: "30" });
    await produceEvents(p, interleavedLives(20, 4));
    const before = sys().stack.qstash.deliveries();

    const first = await poke(p);

    expect({ status: first.status, body: first.body }).toEqual({
      status: 200,
      body: {
        caughtUp: false,
        partitions: [{ ...notStarted(0), checkpoint: 30, applied: 30 }],
        ownedElsewhere: false,
      },
    });
    await eventually(async () =>
      expect((await status(p)).partitions).toEqual([
        { partition: 0, checkpoint: 100, head: 100, lag: 0, deadLettered: 0 },
      ]),
    );
    await sys().stack.qstash.idle();
    // 30 → 60 → 90 → 100: three more invocations, each started by the one before it.
    expect(deliveriesSince(before)).toEqual({ attempts: 3, successes: 3, failures: 0, dropped: 0 });
    await expectProjectionOfLog(p);
  });

  it("projection: concurrent pokes over a backlog larger than their budgets still drain it fully", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "5", PROJECTOR_MAX_EVENTS: "15" });
    await produceEvents(p, interleavedLives(40, 4));

    const answers = await Promise.all(Array.from({ length: 10 }, () => poke(p)));

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    await eventually(
      async () =>
        expect((await status(p)).partitions).toEqual([
          { partition: 0, checkpoint: 200, head: 200, lag: 0, deadLettered: 0 },
        ]),
      20_000,
    );
    await expectProjectionOfLog(p);
  });

  it.each([
    ["PROJECTOR_BATCH_SIZE", "0", "an integer from 1 to 5000"],
    ["PROJECTOR_MAX_EVENTS", "lots", "an integer from 1 to 1000000"],
  ])("projection: %s=%s fails fast with a message naming the binding", async (name, value, range) => {
    const p = await projectorWith({ [name]: value });

    const res = await poke(p);

    expect({ status: res.status, body: res.body }).toEqual({
      status: 500,
      body: {
        error: `configuration: ${name} must be ${range}`,
        code: "MISCONFIGURED",
        requestId: res.headers.get("x-request-id"),
      },
    });
  });
});
