/**
 * `POST /rebuild` and what follows it on a projector of its own: who may start one, one at a time, the fold of the
 * whole log into a new namespace, the switch, the status on both workers, a failure that leaves the live namespace
 * as it was, and the clean-up of the old namespace.
 */
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../shared/domain";
import {
  envelopes,
  expectProjectionOfLog,
  interleavedLives,
  newTaskId,
  produce,
  produceEvents,
  redis,
} from "./support/projector-model";
import { admin, cron, eventually, status, useProjectors } from "./support/projector-support";
import { onNamespace, rebuildEnded, rebuildStatusOf, requestRebuild } from "./support/rebuild-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const projectorWith = useProjectors(sys, { idle: true, faults: ["qstash"] });

/** Folds the live namespace to the log head through the cron (each run folds and re-pokes). */
async function foldLive(p: Awaited<ReturnType<typeof projectorWith>>) {
  await eventually(async () => {
    await cron(p);
    await sys().stack.qstash.idle();
    expect((await status(p)).lag).toBe(0);
  }, 30_000);
}

describe("POST /rebuild", () => {
  it("rebuild: 404 when no ADMIN_TOKEN is bound", async () => {
    const p = await projectorWith({ ADMIN_TOKEN: "" });
    const res = await requestRebuild(p, "Bearer anything");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });

  it("rebuild: 401 without the admin token or with a wrong one", async () => {
    const p = await projectorWith();
    for (const authorization of [null, "Bearer wrong-token", "Basic abc"]) {
      const res = await requestRebuild(p, authorization);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("UNAUTHORIZED");
    }
    expect((await rebuildStatusOf(p)).lastRebuild).toBeNull();
  });

  // A test's time limit covers the waits inside it (the live fold, then the rebuild), which a loaded machine lengthens.
  it("rebuild: 202 with a new namespace, 409 while it runs, then the whole log folded there and switched live", {
    timeout: 120_000,
  }, async () => {
    const p = await projectorWith({ PROJECTOR_BATCH_SIZE: "50", PROJECTOR_MAX_EVENTS: "200" });
    await produceEvents(p, interleavedLives(200, 2));
    await foldLive(p);
    const before = await expectProjectionOfLog(p);
    // Every chunk poke lost: the rebuild stays running until the cron heals it.
    await admin(sys().stack.qstash.url, "POST", "delivery-faults", {
      kind: "drop",
      count: 1000,
      urlPrefix: p.url,
    });

    const started = await requestRebuild(p);
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ namespace: `${p.prefix}:g1`, state: "running" });
    const again = await requestRebuild(p);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "CONFLICT", namespace: `${p.prefix}:g1`, state: "running" });
    const running = await rebuildStatusOf(p);
    expect(running.namespace).toBe(p.prefix);
    expect(running.rebuild).toMatchObject({
      namespace: `${p.prefix}:g1`,
      state: "running",
      partitions: [{ partition: 0, checkpoint: 0, head: 600, lag: 600 }],
      lag: 600,
      eventsPerSecond: 0,
    });
    expect(running.rebuild?.estimatedFinish).toBeUndefined();

    await admin(sys().stack.qstash.url, "DELETE", "delivery-faults");
    await cron(p);
    const ended = await rebuildEnded(p);
    expect(ended.lastRebuild).toMatchObject({
      namespace: `${p.prefix}:g1`,
      state: "switched",
      retired: p.prefix,
    });
    expect(ended.namespace).toBe(`${p.prefix}:g1`);
    const rebuilt = await expectProjectionOfLog(onNamespace(p, `${p.prefix}:g1`));
    expect(rebuilt.states).toEqual(before.states);
    // The old namespace is kept (and folded) for the grace period.
    expect(ended.retiring.map((r) => r.namespace)).toEqual([p.prefix]);
    await expectProjectionOfLog(p);
  });

  it("rebuild: a partition the rebuild cannot fold fails it, says why, and leaves the live namespace as it was", async () => {
    const p = await projectorWith();
    await produceEvents(p, interleavedLives(5, 1));
    const taskId = newTaskId();
    const [created] = envelopes(taskId, [{ type: "TaskCreated", data: { text: "from the future" } }]);
    if (!created) throw new Error("no envelope");
    const future = { ...(JSON.parse(encodeEvent(created)) as Record<string, unknown>), schemaVersion: 99 };
    await produce(p, [{ key: taskId, value: JSON.stringify(future) }]);
    await cron(p);
    const live = await eventually(async () => {
      const s = await rebuildStatusOf(p);
      expect(s.partitions[0]?.stopped?.offset).toBe(10);
      return s;
    });
    const stateBefore = await redis(p).hgetall(`${p.prefix}:state`);

    expect((await requestRebuild(p)).status).toBe(202);
    const ended = await rebuildEnded(p);
    expect(ended.lastRebuild).toMatchObject({ namespace: `${p.prefix}:g1`, state: "failed" });
    expect(ended.lastRebuild?.reason).toMatch(/^partition 0 stopped at offset 10: /);
    expect(ended.namespace).toBe(p.prefix);
    expect(ended.partitions).toEqual(live.partitions);
    expect(await redis(p).hgetall(`${p.prefix}:state`)).toEqual(stateBefore);
  });

  it("cleanup: after the grace period the old namespace is deleted, the write guards and the new namespace kept", {
    timeout: 150_000,
  }, async () => {
    const p = await projectorWith({ REBUILD_GRACE_SECONDS: "0" });
    await produceEvents(p, interleavedLives(300, 1));
    await foldLive(p);
    const r = redis(p);
    await r.set(`${p.prefix}:reservation:some-task`, "1:nonce");
    await r.set(`${p.prefix}:idempotency:some-key`, "{}");
    expect(await r.exists(`${p.prefix}:history:${(await r.hkeys(`${p.prefix}:state`))[0]}`)).toBe(1);

    expect((await requestRebuild(p)).status).toBe(202);
    await rebuildEnded(p);
    await eventually(async () => {
      await cron(p);
      await sys().stack.qstash.idle();
      expect((await rebuildStatusOf(p)).retiring).toEqual([]);
    }, 30_000);
    const left = (await r.keys(`${p.prefix}:*`)).map(String).filter((k) => !k.startsWith(`${p.prefix}:g1:`));
    expect(left.sort()).toEqual(
      [
        `${p.prefix}:generation`,
        `${p.prefix}:idempotency:some-key`,
        `${p.prefix}:live`,
        `${p.prefix}:log-identity`,
        `${p.prefix}:rebuild`,
        `${p.prefix}:rebuilds`,
        `${p.prefix}:reservation:some-task`,
      ].sort(),
    );
    await expectProjectionOfLog(onNamespace(p, `${p.prefix}:g1`));
  });
});
