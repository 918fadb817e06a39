/**
 * The projector's failure paths in workerd: with no ADMIN_TOKEN bound nobody sees raw dead-letter values, an
 * upstream failure is a 503 that names the service and nothing else (the log line keeps the cause), a missing
 * binding is a 500 naming it, and every answer and log line carries the request id.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearFaults, injectFault } from "./support/command-support";
import { type CapturedWorker, linesOf, send, startCapturedProjector } from "./support/hostile-support";
import { newTaskId, produce, produceEvents, taskLife } from "./support/projector-model";
import { cron, currentKey, get, type Projector, sign } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

describe("a projector without ADMIN_TOKEN", () => {
  let open: Projector & { worker: CapturedWorker };

  beforeAll(async () => {
    open = await startCapturedProjector(sys(), { ADMIN_TOKEN: "" });
    const taskId = newTaskId();
    await produceEvents(open, taskLife(taskId, 1));
    await produce(open, [{ key: taskId, value: "not json at all" }]);
    await cron(open);
  });

  afterAll(async () => {
    await open?.close();
  });

  it("projection: a valid poke answers 200 with the request id, and every log line of its fold names it", async () => {
    await produceEvents(open, taskLife(newTaskId(), 0));

    const res = await send(
      open.url,
      {
        path: "/projection",
        headers: { "upstash-signature": sign({ key: currentKey(open), url: open.webhook, body: "{}" }) },
        body: "{}",
      },
      "req-valid-poke",
    );

    expect({ status: res.status, id: res.headers.get("x-request-id") }).toEqual({
      status: 200,
      id: "req-valid-poke",
    });
    const lines = await linesOf(open.worker, "req-valid-poke");
    expect(lines.map((line) => line.msg)).toEqual([
      "signature valid",
      "events loaded",
      "checkpoint advanced",
    ]);
  });

  it("status: no Authorization gets the public view; nobody gets raw values", async () => {
    const res = await get(`${open.url}/status`);

    expect(res.status).toBe(200);
    expect(res.body.deadLetters).toEqual([
      {
        partition: 0,
        offset: 2,
        reason: expect.stringMatching(/^invalid JSON( at position \d+)?$/),
        loggedAt: expect.any(Number),
      },
    ]);
  });

  it("status: any Authorization gets the public view, as no Authorization does: nothing tells that no token is bound", async () => {
    const none = await send(open.url, { method: "GET", path: "/status" }, "req-no-admin");
    const res = await send(
      open.url,
      { method: "GET", path: "/status", headers: { authorization: `Bearer ${sys().env.ADMIN_TOKEN ?? ""}` } },
      "req-no-admin",
    );

    expect({ status: res.status, body: res.json, challenge: res.headers.get("www-authenticate") }).toEqual({
      status: none.status,
      body: none.json,
      challenge: null,
    });
    expect(res.status).toBe(200);
  });

  it("status: Redis failing is a 503 naming the service only; the log line keeps the cause", async () => {
    // A projector of its own: the public status is kept a few seconds per isolate, and `open` has answered it.
    const fresh = await startCapturedProjector(sys(), { ADMIN_TOKEN: "" });
    await injectFault(sys().stack.redis.url, { kind: "fail", count: 1, status: 503 });
    try {
      const res = await send(fresh.url, { method: "GET", path: "/status" }, "req-redis-down");

      expect({ status: res.status, body: res.json }).toEqual({
        status: 503,
        body: {
          error: "a backing service is unavailable (redis); retry later",
          code: "UNAVAILABLE",
          requestId: "req-redis-down",
        },
      });
      expect(res.text).not.toMatch(/127\.0\.0\.1|HTTP|emulator|fault/i);
      expect(await linesOf(fresh.worker, "req-redis-down")).toEqual([
        expect.objectContaining({
          level: "error",
          msg: "request failed",
          status: 503,
          code: "UNAVAILABLE",
          service: "redis",
          cause: expect.stringMatching(/^redis: /),
        }),
      ]);
    } finally {
      await clearFaults(sys().stack.redis.url);
      await fresh.close();
    }
  });
});

describe("a misconfigured projector", () => {
  let broken: Projector & { worker: CapturedWorker };

  beforeAll(async () => {
    broken = await startCapturedProjector(sys(), { QSTASH_CURRENT_SIGNING_KEY: "" });
  });

  afterAll(async () => {
    await broken?.close();
  });

  const missing =
    "configuration: QSTASH_CURRENT_SIGNING_KEY is missing (set it in wrangler.*.toml [vars], as a secret, or in .dev.vars)";

  it("health: still answers 200, and a GET of the webhook is still a 405", async () => {
    expect((await get(`${broken.url}/health`)).status).toBe(200);
    expect((await get(broken.webhook)).status).toBe(405);
  });

  it.each([
    ["POST /projection", { path: "/projection", body: "{}" }],
    ["GET /status", { method: "GET", path: "/status" }],
  ])("%s: a 500 MISCONFIGURED naming the binding, with the request id, logged", async (_name, request) => {
    const requestId = `req-broken-${randomUUID()}`;

    const res = await send(broken.url, request, requestId);

    expect({ status: res.status, body: res.json }).toEqual({
      status: 500,
      body: { error: missing, code: "MISCONFIGURED", requestId },
    });
    expect(res.text).not.toMatch(/\bat\s|\.(?:ts|js):\d+/);
    expect(await linesOf(broken.worker, requestId)).toEqual([
      expect.objectContaining({ level: "error", status: 500, code: "MISCONFIGURED", error: missing }),
    ]);
  });
});
