/**
 * Which namespace a poke folds, specified in-process (memory-projector.ts): a poke must fold the namespace that is
 * live when it is handled, whatever this isolate read of the live pointer before. The rebuild's switch and the
 * workers in workerd are in test/workers/rebuild-switch-writers.test.ts.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { encodeEvent } from "../../shared/domain";
import type { LiveView } from "../../shared/rebuild/port";
import { createProjectorApp } from "../../workers/projector/app";
import type { DepsFactory } from "../../workers/projector/deps";
import { completed, created, envelope, TASK_ID } from "../domain/fixtures";
import { stateAfter } from "../domain/given";
import { createMemoryProjection } from "../support/memory-projection";
import { sign } from "../workers/support/projector-support";
import { BINDINGS, memoryLiveClaimer, memoryProjector, SIGNING_KEY, WEBHOOK } from "./memory-projector";

beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

const life = [created("Water the plants"), completed];
const events = life.map((event, i) => encodeEvent(envelope(event, { taskId: TASK_ID, version: i + 1 })));

describe("the live namespace a poke folds", () => {
  test("projection: a poke handled by an isolate whose cached pointer predates a switch folds the new live namespace (and the retired one)", async () => {
    const memory = memoryProjector();
    await memory.log.append(TASK_ID, events);
    const old = memory.projection;
    const rebuilt = createMemoryProjection();
    // The pointer now names "rebuilt"; what this isolate cached before the switch still names "old".
    const switched: LiveView = {
      namespace: "rebuilt",
      retiring: [{ namespace: "old", foldUntil: Infinity }],
    };
    const cached: LiveView = { namespace: "old", retiring: [] };
    let cacheFresh = false;
    const deps: DepsFactory = (env) => {
      const base = memory.deps(env);
      return {
        ...base,
        onNamespace: (namespace: string) => {
          const p = namespace === "rebuilt" ? rebuilt : old;
          return { store: p.store, lease: p.lease };
        },
        rebuild: {
          ...base.rebuild,
          liveView: async (fresh = false) => {
            if (fresh) cacheFresh = true;
            return cacheFresh ? switched : cached;
          },
        },
        // Its first step guesses the namespace this isolate saw live, "old": the fresh view names another, so
        // nothing is claimed there.
        liveClaimer: memoryLiveClaimer(
          async () => {
            cacheFresh = true;
            return switched;
          },
          (namespace) => (namespace === "rebuilt" ? rebuilt : old).lease,
          "old",
        ),
      };
    };
    const app = createProjectorApp({ deps });
    const pending: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => void pending.push(p),
      passThroughOnException() {},
      props: {},
    };
    const body = '{"partition":0}';

    const res = await app.request(
      "/projection",
      {
        method: "POST",
        headers: { "upstash-signature": sign({ key: SIGNING_KEY, url: WEBHOOK, body }) },
        body,
      },
      BINDINGS,
      ctx,
    );
    await Promise.all(pending);

    expect(res.status).toBe(200);
    expect(Object.fromEntries(await rebuilt.readModel.checkpoints())).toEqual({ 0: 2 });
    expect(await rebuilt.readModel.task(TASK_ID)).toEqual(stateAfter(TASK_ID, life));
    expect(Object.fromEntries(await old.readModel.checkpoints())).toEqual({ 0: 2 });
  });
});
