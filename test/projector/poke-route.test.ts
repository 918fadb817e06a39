/**
 * The webhook route, specified in-process: `createProjectorApp({ deps })` over the in-memory log and projection,
 * driven with `app.request()` and signed as QStash signs (memory-projector.ts says what is in memory). The protocol
 * and hostile-input suites (test/workers/projector-webhook, hostile-projector*) run the bundled worker against the
 * local stack.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { encodeEvent } from "../../shared/domain";
import { createProjectorApp } from "../../workers/projector/app";
import { completed, created, envelope, TASK_ID } from "../domain/fixtures";
import { stateAfter } from "../domain/given";
import { sign } from "../workers/support/projector-support";
import { progress } from "./given";
import { BINDINGS, memoryProjector, SIGNING_KEY, WEBHOOK } from "./memory-projector";

// The worker's log lines are not what these specifications read; keep the test output to the results.
beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A projector whose fold runs in memory over a log holding `events`. */
async function projectorWith(events: readonly string[], bindings: Record<string, string> = {}) {
  const memory = memoryProjector();
  if (events.length > 0) await memory.log.append(TASK_ID, events);
  const app = createProjectorApp({ deps: memory.deps });
  const pending: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    passThroughOnException() {},
    props: {},
  };
  return {
    projection: memory.projection,
    pokes: memory.pokes,
    async poke(body: string, signature = sign({ key: SIGNING_KEY, url: WEBHOOK, body })) {
      const init = {
        method: "POST",
        headers: { "upstash-signature": signature, "x-request-id": "req-spec" },
        body,
      };
      const res = await app.request("/projection", init, { ...BINDINGS, ...bindings }, ctx);
      await Promise.all(pending);
      return { status: res.status, id: res.headers.get("x-request-id"), body: await res.json() };
    },
  };
}

const life = [created("Sort the post"), completed];
const events = life.map((event, i) => encodeEvent(envelope(event, { taskId: TASK_ID, version: i + 1 })));

describe("POST /projection, in-process", () => {
  test("projection: a signed poke folds its partition and answers the catch-up's result", async () => {
    const projector = await projectorWith(events);

    const answer = await projector.poke('{"partition":0}');

    expect(answer).toEqual({
      status: 200,
      id: "req-spec",
      body: {
        caughtUp: true,
        ownedElsewhere: false,
        partitions: [progress({ checkpoint: 2, applied: 2, caughtUp: true })],
      },
    });
    expect(await projector.projection.readModel.task(TASK_ID)).toEqual(stateAfter(TASK_ID, life));
    expect(projector.pokes).toEqual([]);
  });

  test("projection: a poke whose budget runs out pokes again from where it stopped", async () => {
    const projector = await projectorWith(events, { PROJECTOR_MAX_EVENTS: "1", PROJECTOR_BATCH_SIZE: "1" });

    const answer = await projector.poke("{}");

    expect(answer.status).toBe(200);
    expect(answer.body.caughtUp).toBe(false);
    expect(projector.pokes).toEqual([{ hints: [{ partition: 0, offset: 1 }], reason: "continue" }]);
    expect(Object.fromEntries(await projector.projection.readModel.checkpoints())).toEqual({ 0: 1 });
  });

  test("projection: a poke signed with another key is a 401 and folds nothing", async () => {
    const projector = await projectorWith(events);
    const body = '{"partition":0}';

    const answer = await projector.poke(
      body,
      sign({ key: "sig_notTheProjectorsKey0000000003", url: WEBHOOK, body }),
    );

    expect(answer).toEqual({
      status: 401,
      id: "req-spec",
      body: { error: "invalid signature: signature verification failed", code: "UNAUTHORIZED" },
    });
    expect(await projector.projection.readModel.checkpoints()).toEqual(new Map());
  });
});
