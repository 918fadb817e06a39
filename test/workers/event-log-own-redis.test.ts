/**
 * The Redis Streams log in a Redis of its own (EVENT_LOG_REDIS_REST_URL / _TOKEN): the whole system works, the
 * streams live only there, and the projection only in the projection's Redis.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../local/common/emulator";
import { freePort } from "../../local/common/ports";
import { startRedisRest } from "../../local/redis/rest";
import { type RedisServerProcess, startRedisServer } from "../../local/redis/server-process";
import { streamKey } from "../../shared/event-log/redis-streams/event-log";
import { startSystem, type TestSystem } from "../support/system";

const TOKEN = "own-log-redis-token";
let dir = "";
let server: RedisServerProcess | undefined;
let logRest: RunningEmulator | undefined;
let sys: TestSystem | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "own-log-redis-"));
  const port = await freePort();
  server = await startRedisServer({ port, dir, fsync: "always" });
  logRest = await startRedisRest({ port: 0, token: TOKEN, redis: { host: "127.0.0.1", port } });
  sys = await startSystem({
    eventLog: "redis-streams",
    bindings: { EVENT_LOG_REDIS_REST_URL: logRest.url, EVENT_LOG_REDIS_REST_TOKEN: TOKEN },
  });
});
afterAll(async () => {
  await sys?.close();
  await logRest?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

function system(): TestSystem {
  if (!sys) throw new Error("not started");
  return sys;
}

async function streamLength(url: string, token: string): Promise<number> {
  const topic = system().env.UPSTASH_KAFKA_TOPIC ?? "";
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(["XLEN", streamKey(topic, 0)]),
  });
  return Number(((await res.json()) as { result: unknown }).result);
}

describe("redis-streams in a Redis of its own", () => {
  it("createTask: the event goes to the log's Redis, the projection to the projection's", async () => {
    const created = await system().graphql('mutation { createTask(text: "Do the dishes!") { id } }');
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createTask.id as string;
    let listed: Array<{ id: string }> = [];
    for (let i = 0; i < 200 && !listed.some((t) => t.id === id); i++) {
      listed = (await system().graphql("query { list { id } }")).body.data.list;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(listed).toContainEqual({ id });
    expect(await streamLength(logRest?.url ?? "", TOKEN)).toBe(1);
    const env = system().env;
    expect(await streamLength(env.UPSTASH_REDIS_REST_URL ?? "", env.UPSTASH_REDIS_REST_TOKEN ?? "")).toBe(0);
  });
});
