/**
 * A rebuild whose invocations are cut short: chunk pokes lost by QStash, and the rebuild's Redis calls failing,
 * timing out or losing their answers after they ran (the Redis REST emulator's faults). Each delays the rebuild;
 * the cron and QStash's retries carry it on, and neither the live namespace nor the rebuilt one is ever other than
 * the fold of the log.
 */
import { describe, expect, it } from "vitest";
import { expectProjectionOfLog, interleavedLives, produceEvents } from "./support/projector-model";
import { admin, cron, eventually, status, useProjectors } from "./support/projector-support";
import { onNamespace, rebuildStatusOf, requestRebuild } from "./support/rebuild-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ partitions: 2 });
const projectorWith = useProjectors(sys, { idle: true, faults: ["qstash", "redis"] });

describe("a rebuild under faults", () => {
  it("rebuild: dropped chunk pokes and Redis faults delay it, and both namespaces stay the fold of the log", {
    timeout: 180_000,
  }, async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "40", PROJECTOR_MAX_EVENTS: "120" });
    const { qstash, redis } = sys().stack;
    await produceEvents(p, interleavedLives(300, 2));
    await eventually(async () => {
      await cron(p);
      await qstash.idle();
      expect((await status(p)).lag).toBe(0);
    }, 60_000);

    const namespace = `${p.prefix}:g1`;
    await admin(qstash.url, "POST", "delivery-faults", { kind: "drop", count: 6, urlPrefix: p.url });
    // The fold script names the rebuilt namespace's checkpoint; the switch script names the history key.
    for (const kind of ["fail", "fail-after", "drop-after", "timeout"]) {
      await admin(redis.url, "POST", "faults", {
        kind,
        count: 2,
        ms: 200,
        bodyIncludes: `${namespace}:checkpoint`,
      });
    }
    await admin(redis.url, "POST", "faults", {
      kind: "fail-after",
      count: 1,
      bodyIncludes: `${p.prefix}:rebuilds`,
    });

    expect((await requestRebuild(p)).status).toBe(202);
    // Writes keep reaching the log meanwhile.
    await produceEvents(p, interleavedLives(50, 1));
    const ended = await eventually(async () => {
      await cron(p);
      await qstash.idle();
      const s = await rebuildStatusOf(p);
      expect(s.lastRebuild?.state).toBe("switched");
      return s;
    }, 120_000);
    expect(ended.namespace).toBe(namespace);
    expect(qstash.deliveries().dropped).toBeGreaterThan(0);
    // Every injected fault was met on the way.
    expect(await admin(redis.url, "GET", "faults")).toEqual({ faults: [] });

    await eventually(async () => {
      await cron(p);
      await qstash.idle();
      expect((await status(p)).lag).toBe(0);
      await expectProjectionOfLog(onNamespace(p, namespace));
      await expectProjectionOfLog(p);
    }, 60_000);
  });
});
