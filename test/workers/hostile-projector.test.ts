/**
 * The projector under hostile and mistaken input, in workerd: every case of its malformed-input corpus gets a 4xx
 * with a code and a readable message, never a 500 or a stack trace; the caller's request id comes back and names
 * the one log line the refusal left; and nothing folds: events wait in the log behind a checkpoint that does not
 * move, and the projection is the same after every case as before the corpus.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PROJECTOR_CORPUS,
  type ProjectorCase,
  UNPROVEN_AUTHORIZATIONS,
} from "./support/hostile-projector-corpus";
import {
  type CapturedWorker,
  expectCleanRefusal,
  linesOf,
  send,
  startCapturedProjector,
} from "./support/hostile-support";
import {
  type Model,
  newTaskId,
  produce,
  produceEvents,
  readProjection,
  taskLife,
} from "./support/projector-model";
import { type Projector, poke, type Status, status } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
let projector: Projector & { worker: CapturedWorker };
let before: { projection: Model; status: Status };

/** What a fold would change: the projection in Redis, and the checkpoint, head and counters /status shows. */
async function snapshot() {
  const [projection, shown] = await Promise.all([readProjection(projector), status(projector)]);
  return { projection, status: shown };
}

beforeAll(async () => {
  projector = await startCapturedProjector(sys());
  // Folded: a task's life and a poison record (so there is a dead letter to guard). Waiting: another task's life.
  const folded = newTaskId();
  await produceEvents(projector, taskLife(folded, 1));
  await produce(projector, [{ key: folded, value: '{"text":"a secret that is not an event"' }]);
  expect((await poke(projector)).status).toBe(200);
  await produceEvents(projector, taskLife(newTaskId(), 1));
  before = await snapshot();
  expect(before.status.partitions).toEqual([
    { partition: 0, checkpoint: 3, head: 5, lag: 2, deadLettered: 1 },
  ]);
});

afterAll(async () => {
  await projector?.close();
});

describe("the malformed-input corpus", () => {
  const table = PROJECTOR_CORPUS.map((c): [string, ProjectorCase] => [c.name, c]);

  it.each(table)("projector corpus: %s is answered clearly and folds nothing", async (_name, c) => {
    const requestId = `hostile-${randomUUID()}`;

    const answer = await send(projector.url, c.request(projector), requestId);

    expectCleanRefusal(answer, requestId);
    expect({ status: answer.status, body: answer.json }).toEqual({
      status: c.status,
      body: {
        error: typeof c.message === "string" ? c.message : expect.stringMatching(c.message),
        code: c.code,
      },
    });
    for (const [name, value] of Object.entries(c.headers ?? {})) expect(answer.headers.get(name)).toBe(value);
    const lines = await linesOf(projector.worker, requestId);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: "request refused",
        level: "info",
        requestId,
        status: c.status,
        code: c.code,
      }),
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it("projector corpus: afterwards the checkpoint, the counters and the projection are unchanged", async () => {
    const after = await snapshot();

    expect(after).toEqual(before);
    expect(after.status.partitions).toEqual([
      { partition: 0, checkpoint: 3, head: 5, lag: 2, deadLettered: 1 },
    ]);
  });
});

describe("status", () => {
  it("status: without credentials, dead letters show position, reason and time but not the raw value", async () => {
    const res = await send(projector.url, { method: "GET", path: "/status" }, "req-status-public");

    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      ...before.status,
      deadLetters: [
        {
          partition: 0,
          offset: 2,
          reason: expect.stringMatching(/^invalid JSON( at position \d+)?$/),
          loggedAt: expect.any(Number),
        },
      ],
    });
    expect(res.text).not.toContain("a secret");
  });

  it.each(UNPROVEN_AUTHORIZATIONS)(
    "status: %s gets exactly the answer of no Authorization (status, challenge and body)",
    async (_name, authorization) => {
      const none = await send(projector.url, { method: "GET", path: "/status" }, "req-status-none");
      const unproven = await send(
        projector.url,
        { method: "GET", path: "/status", headers: { authorization } },
        "req-status-unproven",
      );

      expect({
        status: unproven.status,
        body: unproven.json,
        challenge: unproven.headers.get("www-authenticate"),
      }).toEqual({ status: none.status, body: none.json, challenge: null });
      expect(unproven.text).not.toContain("a secret");
    },
  );

  it("status: with Authorization: Bearer <ADMIN_TOKEN>, dead letters show their raw value", async () => {
    const shown = await status(projector);

    expect(shown.deadLetters).toEqual([
      {
        partition: 0,
        offset: 2,
        reason: expect.stringMatching(/^invalid JSON( at position \d+)?$/),
        value: '{"text":"a secret that is not an event"',
        loggedAt: expect.any(Number),
      },
    ]);
  });
});
