/**
 * A rebuild from start to clean-up, specified in-process over the in-memory rebuild and clean-up ports
 * (memory-projector.ts): it folds the log into a new namespace, switches the live pointer once caught up, retires
 * the old namespace and deletes it once its grace period is over. In workerd against Redis:
 * test/workers/rebuild-api.test.ts.
 */
import { describe, expect, test } from "vitest";
import { CURRENT_SCHEMA_VERSION, encodeEvent } from "../../shared/domain";
import type { Logger } from "../../shared/http/log";
import { rebuildChunk } from "../../workers/projector/rebuild/chunk";
import { cleanupDue } from "../../workers/projector/rebuild/cleanup";
import { startRebuild } from "../../workers/projector/rebuild/start";
import { completed, created, envelope, TASK_ID } from "../domain/fixtures";
import { stateAfter } from "../domain/given";
import { BASE, memoryProjector } from "./memory-projector";

const quiet: Logger = { info: () => {}, error: () => {}, with: () => quiet };
const life = [created("Water the plants"), completed];
const events = life.map((event, i) => encodeEvent(envelope(event, { taskId: TASK_ID, version: i + 1 })));

describe("a rebuild in process", () => {
  test("rebuild: folds the log into a new namespace, switches to it, and deletes the old one once due", async () => {
    const memory = memoryProjector();
    await memory.log.append(TASK_ID, events);
    const deps = memory.build({ REBUILD_GRACE_SECONDS: "0" });
    const pending: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => void pending.push(p);

    const started = await startRebuild(deps, quiet);
    expect(started).toEqual({ started: true, namespace: `${BASE}:g1` });
    expect(await startRebuild(deps, quiet)).toEqual({ started: false, running: `${BASE}:g1` });
    expect(memory.pokes).toEqual([{ hints: [{ partition: 0, offset: 0 }], reason: "rebuild" }]);

    const chunk = await rebuildChunk(deps, `${BASE}:g1`, undefined, waitUntil, quiet);
    await Promise.all(pending);

    expect(chunk.switch).toEqual({ kind: "switched", old: BASE });
    expect((await deps.rebuild.liveView()).namespace).toBe(`${BASE}:g1`);
    expect(await memory.namespace(`${BASE}:g1`).readModel.task(TASK_ID)).toEqual(stateAfter(TASK_ID, life));
    const status = await deps.rebuild.status(`${BASE}:g1`);
    expect(status).toMatchObject({
      namespace: `${BASE}:g1`,
      rebuild: null,
      lastRebuild: { state: "switched" },
    });
    expect(status.retiring.map((r) => r.namespace)).toEqual([BASE]);

    const cleaned = await cleanupDue(deps, waitUntil, quiet);

    expect(cleaned).toEqual({ namespace: BASE, deleted: 1, done: true });
    expect(await deps.rebuild.retired()).toEqual([]);
  });

  test("rebuild: a partition the rebuild cannot fold (a newer schema) fails it, and the live namespace stays", async () => {
    const memory = memoryProjector();
    const newer = JSON.stringify({
      ...JSON.parse(events[0] ?? ""),
      schemaVersion: CURRENT_SCHEMA_VERSION + 1,
    });
    await memory.log.append(TASK_ID, [newer]);
    const deps = memory.build();
    await startRebuild(deps, quiet);

    const chunk = await rebuildChunk(deps, `${BASE}:g1`, undefined, () => {}, quiet);

    expect(chunk.failedReason).toMatch(/^partition 0 stopped at offset 0/);
    expect((await deps.rebuild.liveView()).namespace).toBe(BASE);
    expect(await deps.rebuild.current()).toMatchObject({ state: "failed", namespace: `${BASE}:g1` });
  });
});
