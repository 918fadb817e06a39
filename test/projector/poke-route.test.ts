/**
 * The webhook route, specified in-process: `createProjectorApp({ deps })` over the in-memory log and projection,
 * driven with `app.request()` and signed as QStash signs. The bindings name services nobody serves (port 9): only
 * the fold's adapters are in memory, so a call to anything else fails the spec. The protocol and hostile-input
 * suites (test/workers/projector-webhook, hostile-projector*) run the bundled worker against the local stack.
 */
import { describe, expect, test } from "vitest";
import { encodeEvent } from "../../shared/domain";
import { createMemoryEventLog } from "../../shared/event-log/memory";
import type { Position } from "../../shared/event-log/port";
import type { Notifier, PokeReason } from "../../shared/notifier/qstash";
import { createMemoryProjection } from "../../shared/projection/memory";
import { createProjectorApp } from "../../workers/projector/app";
import { type DepsFactory, depsFromBindings } from "../../workers/projector/deps";
import { completed, created, envelope, TASK_ID } from "../domain/fixtures";
import { stateAfter } from "../domain/given";
import { sign } from "../workers/projector-support";
import { progress } from "./given";

const NOWHERE = "http://127.0.0.1:9";
const WEBHOOK = "https://projector.example/projection";
const KEY = "sig_inProcessCurrentSigningKey01";

const BINDINGS = {
  UPSTASH_REDIS_REST_URL: NOWHERE,
  UPSTASH_REDIS_REST_TOKEN: "unused",
  UPSTASH_KAFKA_URL: NOWHERE,
  UPSTASH_KAFKA_USERNAME: "unused",
  UPSTASH_KAFKA_PASSWORD: "unused",
  QSTASH_URL: NOWHERE,
  QSTASH_TOKEN: "unused",
  QSTASH_CURRENT_SIGNING_KEY: KEY,
  QSTASH_NEXT_SIGNING_KEY: "sig_inProcessNextSigningKey0002",
  PROJECTOR_URL: WEBHOOK,
};

/** A projector whose fold runs in memory; `pokes` are the re-pokes it sent. */
async function projectorWith(events: readonly string[], bindings: Record<string, string> = {}) {
  const log = createMemoryEventLog();
  if (events.length > 0) await log.append(TASK_ID, events);
  const projection = createMemoryProjection();
  const pokes: Array<{ hints: readonly Position[]; reason: PokeReason }> = [];
  const notifier: Notifier = {
    async poke(hint, reason = "append") {
      pokes.push({ hints: [hint], reason });
    },
    async pokeMany(hints, reason) {
      pokes.push({ hints, reason });
    },
  };
  const namespace = { store: projection.store, lease: projection.lease };
  const deps: DepsFactory = (env) => ({
    ...depsFromBindings(env),
    log,
    ...namespace,
    notifier,
    onNamespace: () => namespace,
    liveView: async () => ({ namespace: "memory", retiring: [] }),
  });
  const app = createProjectorApp({ deps });
  const pending: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    passThroughOnException() {},
    props: {},
  };
  return {
    projection,
    pokes,
    async poke(body: string, signature = sign({ key: KEY, url: WEBHOOK, body })) {
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
