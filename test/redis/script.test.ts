/**
 * Our Lua scripts' runner: EVALSHA, then EVAL when Redis answers NOSCRIPT, as the Upstash client's `createScript`
 * runs a script; but the script's SHA-1 is computed once per text and isolate, not once per client (the command
 * worker builds its adapters, and so its scripts, per request). Against the Redis REST emulator over a real
 * redis-server, with the client the adapters use.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createRedisListReads } from "../../shared/lists/redis/reads";
import { createRedisListRegistry } from "../../shared/lists/redis/registry";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { createRebuildControl } from "../../shared/rebuild/control";
import { connectRedis } from "../../shared/redis/client";
import { redisScript, scriptSha } from "../../shared/redis/script";
import { createRedisIdempotency } from "../../shared/write-guard/redis/idempotency";
import { createRedisWriteGuard } from "../../shared/write-guard/redis/write-guard";
import { useLocalRedis } from "../emulators/support/redis-fixture";

const TOKEN = "redis-script-token";
const local = useLocalRedis({ name: "redis-script", token: TOKEN });
const client = () => connectRedis({ url: local.stack.rest.url, token: TOKEN }).redis;

async function commandCounts(): Promise<Record<string, number>> {
  const res = await fetch(`${local.stack.rest.url}/__emulator/commands`);
  return ((await res.json()) as { commands: Record<string, number> }).commands;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("redisScript", () => {
  test("exec: the first call falls back from EVALSHA (NOSCRIPT) to EVAL, later ones hit EVALSHA", async () => {
    const text = `-- ${randomUUID()}\nreturn ARGV[1] .. ':' .. KEYS[1]`;
    await fetch(`${local.stack.rest.url}/__emulator/commands`, { method: "DELETE" });

    expect(await redisScript<string>(client(), text).exec(["k"], ["first"])).toBe("first:k");
    expect(await commandCounts()).toEqual({ EVAL: 1, EVALSHA: 1 });
    expect(await redisScript<string>(client(), text).exec(["k"], ["second"])).toBe("second:k");
    expect(await commandCounts()).toEqual({ EVAL: 1, EVALSHA: 2 });
  });

  test("exec: a script's own error is thrown as it is, not retried with EVAL", async () => {
    const text = `-- ${randomUUID()}\nreturn redis.error_reply('BOOM')`;
    const script = redisScript(client(), text);
    await expect(script.exec([], [])).rejects.toThrow("BOOM");
    await fetch(`${local.stack.rest.url}/__emulator/commands`, { method: "DELETE" });
    await expect(script.exec([], [])).rejects.toThrow("BOOM");
    expect(await commandCounts()).toEqual({ EVALSHA: 1 });
  });

  test("scriptSha: the SHA-1 Redis knows the script by, digested once per text whatever the clients", async () => {
    const digest = vi.spyOn(crypto.subtle, "digest");
    const text = `-- ${randomUUID()}\nreturn 1`;
    const sha = await scriptSha(text);
    expect(await local.plain.scriptLoad(text)).toBe(sha);

    for (let i = 0; i < 3; i++) await redisScript(client(), text).exec([], []);
    expect(await scriptSha(text)).toBe(sha);
    expect(digest.mock.calls.filter(([algorithm]) => algorithm === "SHA-1")).toHaveLength(1);
  });
});

describe("the command worker's Redis adapters", () => {
  test("made for a request, they digest no script: only a script run is digested, once per isolate", async () => {
    const digest = vi.spyOn(crypto.subtle, "digest");
    const prefix = `adapters:${randomUUID()}`;
    const make = () => {
      const redis = connectRedis({ url: local.stack.rest.url, token: TOKEN });
      return {
        store: createRedisReadModel(redis, prefix),
        listReads: createRedisListReads(redis, { guards: prefix, namespace: prefix }),
        guard: createRedisWriteGuard(redis, { namespace: prefix, guards: prefix }),
        idempotency: createRedisIdempotency(redis, prefix),
        lists: createRedisListRegistry(redis, prefix),
        rebuild: createRebuildControl(redis, prefix),
      };
    };
    for (let request = 0; request < 3; request++) make();
    expect(digest.mock.calls.filter(([algorithm]) => algorithm === "SHA-1")).toHaveLength(0);

    for (let request = 0; request < 3; request++) await make().store.list(0, 10);
    expect(digest.mock.calls.filter(([algorithm]) => algorithm === "SHA-1")).toHaveLength(1);
  });
});
