/**
 * Delayed, reordered and lost deliveries (docs/guarantees.md#any-order-of-pokes-folds-the-log-exactly), made by the QStash emulator's delivery
 * faults. A poke carries nothing the projector trusts, so a poke that arrives late, after later ones, or never,
 * changes nothing: the checkpoint only moves forward, every event is applied once, and the scheduled handler
 * alone converges when every delivery is lost. (Duplicate and concurrent pokes: projector-concurrency.test.ts.)
 */
import { Client } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import type { TestSystem } from "../support/system";
import { CREATE, LIST, type TaskView, UPDATE } from "./support/command-support";
import { converge, expectMonotonic, systemProjector, watch } from "./support/guarantees-support";
import {
  expectProjectionOfLog,
  interleavedLives,
  produceEvents,
  readCheckpoint,
} from "./support/projector-model";
import { admin, cron, eventually, status, useProjectors } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const projectorWith = useProjectors(sys, { idle: true, faults: ["qstash"] });

/** Holds each of the next deliveries to `urlPrefix` for the given times, in the order they are attempted. */
async function delayDeliveries(urlPrefix: string, delaysMs: number[]): Promise<void> {
  for (const ms of delaysMs) {
    await admin(sys().stack.qstash.url, "POST", "delivery-faults", {
      kind: "delay",
      ms,
      count: 1,
      urlPrefix,
    });
  }
}

function deliveriesSince(before: ReturnType<TestSystem["stack"]["qstash"]["deliveries"]>) {
  const after = sys().stack.qstash.deliveries();
  return {
    attempts: after.attempts - before.attempts,
    successes: after.successes - before.successes,
    failures: after.failures - before.failures,
    dropped: after.dropped - before.dropped,
    delayed: after.delayed - before.delayed,
  };
}

/** Runs `mutation` and expects it to succeed; answers its data. */
async function mutate(query: string, variables: Record<string, unknown>) {
  const res = await sys().graphql(query, variables);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

describe("delayed and reordered deliveries", () => {
  it("projection: pokes held back and overtaken by later ones fold every event once, the checkpoint only rising", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "6" });
    const qstash = new Client({ baseUrl: sys().env.QSTASH_URL, token: sys().env.QSTASH_TOKEN ?? "" });
    const before = sys().stack.qstash.deliveries();
    // The first poke arrives last, the second next to last: the reverse of the order they were sent in.
    await delayDeliveries(p.url, [900, 600, 300]);

    const published: string[] = [];
    const rounds = (async () => {
      for (let round = 0; round < 5; round++) {
        await produceEvents(p, interleavedLives(3, 3));
        const body = { partition: 0, offset: round };
        published.push((await qstash.publishJSON({ url: p.webhook, body, retries: 3 })).messageId);
      }
      await sys().stack.qstash.idle();
    })();
    const seen = await watch(() => readCheckpoint(p), rounds);
    await rounds;

    // Each poke published here was delivered once, and three deliveries were held back. The pokes are told apart by
    // message id: the projector's own re-poke when a fold runs out of its budget (pokes overlap more on a loaded
    // machine) and QStash's retry of a failed attempt are deliveries too, which a count of them all would include.
    for (const messageId of published) {
      const { logs } = await qstash.logs({ filter: { messageId, state: "DELIVERED" } });
      expect(logs, messageId).toHaveLength(1);
    }
    expect(deliveriesSince(before)).toMatchObject({ dropped: 0, delayed: 3 });
    expectMonotonic(seen);
    expect(seen.at(-1)).toBe(60);
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 60, rejected: 0, dead: 0 });
  });

  it("createTask, updateTask: with the worker's pokes delayed and reordered, every mutation is projected once", async () => {
    const before = sys().stack.qstash.deliveries();
    await delayDeliveries(sys().projectorUrl, [800, 500, 200, 100]);

    const created: TaskView[] = [];
    for (let i = 0; i < 4; i++) created.push((await mutate(CREATE, { text: `reordered ${i}` })).createTask);
    const updated: TaskView[] = [];
    for (const [i, task] of created.entries()) {
      updated.push(
        (await mutate(UPDATE, { id: task.id, text: `reordered ${i}, renamed`, done: i % 2 === 0 }))
          .updateTask,
      );
    }
    await converge(sys());

    expect(deliveriesSince(before).delayed).toBe(4);
    const ids = created.map((t) => t.id);
    const list = (await sys().graphql(LIST)).body.data.list as TaskView[];
    expect(list.filter((t) => ids.includes(t.id))).toEqual(updated);
    const projection = await expectProjectionOfLog(systemProjector(sys()));
    expect(projection.counters.rejected).toBe(0);
  });
});

describe("lost deliveries", () => {
  it("createTask: with every delivery lost, mutations still succeed and the scheduled handler alone projects them", async () => {
    await admin(sys().stack.qstash.url, "POST", "delivery-faults", {
      kind: "drop",
      count: 1000,
      urlPrefix: sys().projectorUrl,
    });
    const before = sys().stack.qstash.deliveries();
    const lagBefore = (await status(systemProjector(sys()))).lag;

    const created = await Promise.all(
      Array.from(
        { length: 8 },
        async (_, i) => (await mutate(CREATE, { text: `never poked ${i}` })).createTask,
      ),
    );
    // The pokes go out after the answers (waitUntil): wait until QStash has taken, and lost, all eight.
    await eventually(() =>
      expect(deliveriesSince(before)).toEqual({
        attempts: 0,
        successes: 0,
        failures: 0,
        dropped: 8,
        delayed: 0,
      }),
    );
    expect((await status(systemProjector(sys()))).lag).toBe(lagBefore + 8);

    await converge(sys());

    const ids = created.map((t: TaskView) => t.id);
    const list = (await sys().graphql(LIST)).body.data.list as TaskView[];
    const listed = list.filter((t) => ids.includes(t.id));
    // In creation (log) order; creates stamped in the same millisecond may be logged in either order.
    const byId = (a: TaskView, b: TaskView) => a.id.localeCompare(b.id);
    expect([...listed].sort(byId)).toEqual([...created].sort(byId));
    const stamps = listed.map((t) => t.createdAt);
    expect(stamps).toEqual([...stamps].sort());
    await expectProjectionOfLog(systemProjector(sys()));
  });

  it("cron: with its own re-pokes lost too, repeated scheduled runs drain a backlog larger than one budget", async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "5", PROJECTOR_MAX_EVENTS: "10" });
    await produceEvents(p, interleavedLives(9, 4));
    await admin(sys().stack.qstash.url, "POST", "delivery-faults", {
      kind: "drop",
      count: 1000,
      urlPrefix: p.url,
    });

    const checkpoints: number[] = [];
    for (let run = 0; run < 5; run++) {
      await cron(p);
      await sys().stack.qstash.idle();
      checkpoints.push(await readCheckpoint(p));
    }

    // Each run folds one budget and its re-poke is lost: only the next run goes on.
    expect(checkpoints).toEqual([10, 20, 30, 40, 45]);
    const projection = await expectProjectionOfLog(p);
    expect(projection.counters).toEqual({ applied: 45, rejected: 0, dead: 0 });
  });
});
