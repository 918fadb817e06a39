/**
 * The subrequest budget (workers/projector/fold/budget.ts) on a log of five partitions: a fold stops before its budget
 * is spent and pokes itself to continue, the continuations drain the log, and the cron's sweep, whose heads are
 * subrequests too, reads a window of partitions at a time and still reaches every lagging one.
 * Subrequests are counted where the platform counts them: as requests arriving at the emulators.
 */
import { describe, expect, it } from "vitest";
import { NUDGE_WINDOW_MS } from "../../shared/notifier/qstash";
import { SUBREQUESTS, sweepWindow, UNCOUNTED } from "../../workers/projector/fold/budget";
import { expectProjectionOfLog, interleavedLives, produceEvents } from "./support/projector-model";
import { admin, cron, eventually, poke, status, useProjectors } from "./support/projector-support";
import { idsIn } from "./support/rebuild-support";
import { useSystem } from "./support/use-system";

const PARTITIONS = 5;
const sys = useSystem({ partitions: PARTITIONS });
const projectorWith = useProjectors(sys, { idle: true, faults: ["qstash"] });

/** The smallest budget a sweep accepts: a window of two heads and one fold of a batch or two. */
const SMALL = "12";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests that reached the emulators (Redis, the log, QStash) since their counters were reset. */
function requestsSinceReset(): { total: number; heads: number } {
  const { redis, kafka, qstash } = sys().stack;
  const sum = (stats: Record<string, number>) => Object.values(stats).reduce((a, b) => a + b, 0);
  const log = kafka.stats();
  const heads = Object.entries(log)
    .filter(([endpoint]) => endpoint.startsWith("POST /offsets/"))
    .reduce((a, [, n]) => a + n, 0);
  return { total: sum(redis.stats()) + sum(log) + sum(qstash.stats()), heads };
}

function resetRequests(): void {
  const { redis, kafka, qstash } = sys().stack;
  redis.resetStats();
  kafka.resetStats();
  qstash.resetStats();
}

/** Heads per partition, from the positions the log gave the produced records. */
function heads(positions: Array<{ partition: number; offset: number }>): number[] {
  return Array.from({ length: PARTITIONS }, (_, partition) =>
    positions.filter((x) => x.partition === partition).reduce((max, x) => Math.max(max, x.offset + 1), 0),
  );
}

/** Loses the next `count` QStash deliveries to this projector (its re-pokes and fan-outs). */
function dropDeliveries(url: string, count: number) {
  return admin(sys().stack.qstash.url, "POST", "delivery-faults", { kind: "drop", count, urlPrefix: url });
}

describe("subrequest budget", () => {
  it("projection: a fold stops before its subrequest budget is spent and re-pokes itself", async () => {
    const p = await projectorWith({ PROJECTOR_MAX_SUBREQUESTS: SMALL, PROJECTOR_BATCH_SIZE: "3" });
    const head = heads(await produceEvents(p, interleavedLives(40, 2)));
    const partition = head.indexOf(Math.max(...head));
    await dropDeliveries(p.url, 1);
    const dropped = sys().stack.qstash.deliveries().dropped;
    resetRequests();

    const res = await poke(p, JSON.stringify({ partition, offset: 0 }));

    expect(res.status).toBe(200);
    // The re-poke was published (and its delivery lost here, so that nothing else runs meanwhile).
    await eventually(() => expect(sys().stack.qstash.deliveries().dropped - dropped).toBe(1));
    const { total } = requestsSinceReset();
    // A fresh isolate also checks the log's identity, and a script may be loaded once: the calls UNCOUNTED.
    expect(total).toBeLessThanOrEqual(Number(SMALL) + UNCOUNTED.identity + UNCOUNTED.scriptLoads);
    const [progress] = res.body.partitions;
    expect(progress).toMatchObject({ partition, caughtUp: false });
    expect(progress.checkpoint).toBeGreaterThan(0);
    expect(progress.checkpoint).toBeLessThan(head[partition] ?? 0);
  });

  it("projection: with a small subrequest budget, every partition drains through self-pokes", async () => {
    const p = await projectorWith({ PROJECTOR_MAX_SUBREQUESTS: SMALL, PROJECTOR_BATCH_SIZE: "3" });
    // 8 tasks in each partition, so that every partition needs more than one fold (random ids left one with a
    // single task in about one run of 140).
    const ids = Array.from({ length: PARTITIONS }, (_, partition) => idsIn(PARTITIONS, partition, 8)).flat();
    const head = heads(await produceEvents(p, interleavedLives(40, 2, ids)));
    expect(head.every((h) => h > 3)).toBe(true);

    const first = await poke(p);

    expect(first.status).toBe(200);
    expect(first.body.caughtUp).toBe(false);
    await eventually(
      async () => expect((await status(p)).partitions.map((x) => x.lag)).toEqual(head.map(() => 0)),
      30_000,
    );
    const projection = await expectProjectionOfLog(p);
    expect(projection.order).toHaveLength(40);
  });

  it("cron: a sweep reads only its window's heads, and consecutive sweeps reach every lagging partition", async () => {
    const window = sweepWindow(Number(SMALL));
    expect(window).toBeLessThan(PARTITIONS);
    const p = await projectorWith({ PROJECTOR_MAX_SUBREQUESTS: SMALL, PROJECTOR_BATCH_SIZE: "3" });
    const head = heads(await produceEvents(p, interleavedLives(40, 2)));
    expect(head.every((h) => h > 0)).toBe(true);
    await dropDeliveries(p.url, 100);
    const dropped = sys().stack.qstash.deliveries().dropped;
    resetRequests();

    await cron(p);

    // Its fan-out (the window's other partition) and its fold's re-poke, both lost here.
    await eventually(() => expect(sys().stack.qstash.deliveries().dropped - dropped).toBe(2));
    const one = requestsSinceReset();
    expect(one.heads).toBe(window * SUBREQUESTS.head);
    expect(one.total).toBeLessThanOrEqual(Number(SMALL) + UNCOUNTED.identity + UNCOUNTED.scriptLoads);
    const touched = (await status(p)).partitions.filter((x) => x.checkpoint > 0);
    expect(touched).toHaveLength(1);

    // Deliveries flow again: the sweeps that follow, a window each, reach the partitions no poke will.
    await admin(sys().stack.qstash.url, "DELETE", "delivery-faults");
    // Cron periods are minutes apart: past the window within which QStash drops a sweep's second poke of a
    // partition as a duplicate (the lost one above included).
    for (let i = 0; i < Math.ceil(PARTITIONS / window); i++) {
      await sleep(NUDGE_WINDOW_MS + 50);
      await cron(p);
    }

    await eventually(
      async () => expect((await status(p)).partitions.map((x) => x.lag)).toEqual(head.map(() => 0)),
      30_000,
    );
    await expectProjectionOfLog(p);
  });
});
