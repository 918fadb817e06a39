/**
 * Faults and counters of the Redis REST front end: injected failures, delays, holds and timeouts through the admin
 * API, per-endpoint request counts, and redis-server dying under it and coming back.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "@upstash/redis";
import { afterAll, describe, expect, test } from "vitest";
import { type RedisServerProcess, startRedisServer } from "../../local/redis/server-process";
import { useLocalRedis } from "./support/redis-fixture";

const TOKEN = "redis-rest-faults-token";
const local = useLocalRedis({ name: "redis-rest-faults", token: TOKEN });
/** The redis-server the crash test starts again in the stack's folder, after killing the stack's own. */
let restarted: RedisServerProcess | undefined;

const key = (name: string) => `${name}:${randomUUID()}`;

afterAll(async () => {
  await restarted?.stop();
});

async function admin(
  path: string,
  method = "GET",
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${local.stack.rest.url}/__emulator/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function post(
  path: string,
  command: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${local.stack.rest.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(command),
    signal,
  });
  return { status: res.status, body: await res.json() };
}

describe("fault injection", () => {
  test("fail: the next N requests get the injected status and the client throws it, then it recovers", async () => {
    const k = key("fail");
    expect((await admin("faults", "POST", { kind: "fail", count: 2, status: 500 })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      await expect(local.redis.set(k, i)).rejects.toThrow(
        `injected fault: redis-rest failed this request, command was: [["set","${k}",${i}]]`,
      );
    }
    expect(await local.redis.set(k, "ok")).toBe("OK");
    expect(await local.redis.get(k)).toBe("ok");
    expect((await admin("faults")).body).toEqual({ faults: [] });
  });

  test("hold: the request waits unhandled until released, then runs; the admin API counts it while it waits", async () => {
    const k = key("hold");
    expect((await admin("faults", "POST", { kind: "hold", bodyIncludes: k })).status).toBe(200);

    const sent = post("/", ["incr", k]);
    await expect.poll(async () => (await admin("held")).body, { timeout: 10_000 }).toEqual({ held: 1 });
    expect(await post("/", ["get", k])).toEqual({ status: 200, body: { result: null } });
    expect(await admin("held/release", "POST")).toEqual({ status: 200, body: { released: 1 } });

    expect(await sent).toEqual({ status: 200, body: { result: 1 } });
    expect((await admin("held")).body).toEqual({ held: 0 });
  });

  test("fail: a raw request sees the whole injected answer", async () => {
    await admin("faults", "POST", { kind: "fail", count: 1, status: 503, path: "/" });
    expect(await post("/", ["ping"])).toEqual({
      status: 503,
      body: { error: "injected fault: redis-rest failed this request", status: 503 },
    });
    expect(await post("/", ["ping"])).toEqual({ status: 200, body: { result: "PONG" } });
  });

  test("delay: the request is held, then done late (after a request sent later)", async () => {
    const k = key("delay");
    await admin("faults", "POST", { kind: "delay", count: 1, ms: 1000, bodyIncludes: "late-value" });
    const late = post("/", ["set", k, "late-value"]);
    expect(await post("/", ["set", k, "early-value"])).toEqual({ status: 200, body: { result: "OK" } });
    expect(await late).toEqual({ status: 200, body: { result: "OK" } });
    expect(await local.redis.get(k)).toBe("late-value");
  });

  test("timeout: the request waits unanswered and counts as held; released, its connection drops and it never runs", async () => {
    const k = key("timeout-release");
    await admin("faults", "POST", { kind: "timeout", count: 1, ms: 600_000, bodyIncludes: k });

    const sent = post("/", ["set", k, "never"]);
    await expect.poll(async () => (await admin("held")).body, { timeout: 10_000 }).toEqual({ held: 1 });
    expect(await admin("held/release", "POST")).toEqual({ status: 200, body: { released: 1 } });

    await expect(sent).rejects.toThrow();
    expect(await local.redis.get(k)).toBeNull();
    expect((await admin("held")).body).toEqual({ held: 0 });
  });

  test("timeout: a raw fetch with a timeout signal gives up on the held request", async () => {
    await admin("faults", "POST", { kind: "timeout", count: 1, ms: 3000, path: "/" });
    await expect(post("/", ["ping"], AbortSignal.timeout(200))).rejects.toMatchObject({
      name: "TimeoutError",
    });
    expect(await post("/", ["ping"])).toEqual({ status: 200, body: { result: "PONG" } });
  });

  test("timeout: the client with an abort signal throws instead of waiting", async () => {
    const impatient = new Redis({
      url: local.stack.rest.url,
      token: TOKEN,
      signal: () => AbortSignal.timeout(200),
    });
    await admin("faults", "POST", { kind: "timeout", count: 1, ms: 3000 });
    await expect(impatient.get(key("timeout"))).rejects.toMatchObject({ name: "TimeoutError" });
  });

  test("timeout: when the connection is dropped the client retries, and the retry succeeds", async () => {
    const k = key("retry");
    local.stack.rest.resetStats();
    await admin("faults", "POST", { kind: "timeout", count: 1, ms: 10 });
    expect(await local.redis.set(k, "after-retry")).toBe("OK");
    expect(local.stack.rest.stats()).toEqual({ "POST /pipeline": 2 });
    expect(await local.redis.get(k)).toBe("after-retry");
  });

  test("bodyIncludes: a fault aimed at EVALSHA leaves other requests alone", async () => {
    const script = local.redis.createScript<string>(`-- ${randomUUID()}\nreturn ARGV[1]`);
    await admin("faults", "POST", { kind: "fail", count: 1, status: 500, bodyIncludes: "evalsha" });
    expect(await local.redis.eval("return ARGV[1]", [], ["plain eval"])).toBe("plain eval");
    expect((await admin("faults")).body).toMatchObject({
      faults: [{ kind: "fail", bodyIncludes: "evalsha" }],
    });
    await expect(script.exec([], ["x"])).rejects.toThrow("injected fault: redis-rest failed this request");
    expect(await script.exec([], ["second try"])).toBe("second try");
  });
});

describe("stats", () => {
  test("stats: requests are counted per endpoint", async () => {
    const k = key("stats");
    local.stack.rest.resetStats();
    await local.redis.set(k, 1);
    await local.redis.hgetall(key("stats-h"));
    await local.redis.pipeline().incr(k).get(k).exec();
    await local.redis.multi().incr(k).get(k).exec();
    await fetch(`${local.stack.rest.url}/`, { method: "OPTIONS" });
    expect(local.stack.rest.stats()).toEqual({
      "POST /": 1,
      "POST /pipeline": 2,
      "POST /multi-exec": 1,
      OPTIONS: 1,
    });
    expect((await admin("stats")).body).toEqual({
      emulator: "redis-rest",
      requests: { OPTIONS: 1, "POST /": 1, "POST /multi-exec": 1, "POST /pipeline": 2 },
      total: 5,
    });
  });
});

/** Resolves once redis-server has written `text` to its append-only file (then SIGKILL cannot lose it). */
async function untilInAof(text: string): Promise<void> {
  const aofDir = join(local.stack.dir, "appendonlydir");
  for (;;) {
    const contents = readdirSync(aofDir).map((f) => readFileSync(join(aofDir, f), "latin1"));
    if (contents.some((c) => c.includes(text))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("redis-server failure", () => {
  test("redis-server killed: requests get a 503 with a clear error, and succeed again once it is back", async () => {
    const k = key("persisted");
    await local.redis.set(k, "before the crash");
    await untilInAof(k);

    // A script busy for 10 s: it is still in flight when redis-server dies.
    local.stack.rest.resetStats();
    const busy =
      "local t = tonumber(redis.call('TIME')[1]) + 10 while tonumber(redis.call('TIME')[1]) < t do end";
    const inFlight = post("/", ["eval", busy, 0]);
    while (!local.stack.rest.stats()["POST /"]) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    await local.stack.server.kill("SIGKILL");
    const broken = await inFlight;
    expect(broken.status).toBe(503);
    expect((broken.body as { error: string }).error).toMatch(/^redis-server unavailable: /);

    expect(await post("/pipeline", [["get", k]])).toEqual({
      status: 503,
      body: {
        error: `redis-server unavailable: cannot connect to 127.0.0.1:${local.stack.redisPort}: connect ECONNREFUSED 127.0.0.1:${local.stack.redisPort}`,
      },
    });
    await expect(local.redis.get(k)).rejects.toThrow(
      /^redis-server unavailable: cannot connect to 127\.0\.0\.1:/,
    );

    restarted = await startRedisServer({ port: local.stack.redisPort, dir: local.stack.dir });
    expect(await local.redis.get(k)).toBe("before the crash");
    expect(await local.redis.set(k, "after the restart")).toBe("OK");
    expect(await local.redis.get(k)).toBe("after the restart");
  });
});
