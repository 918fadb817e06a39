/**
 * Contract: the unmodified @upstash/redis client (defaults: auto-pipelining and base64 responses on) works
 * against the REST front end over a real redis-server, data type by data type.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { describe, expect, test } from "vitest";
import { useLocalRedis } from "./support/redis-fixture";

const TOKEN = "redis-rest-contract-token";
const local = useLocalRedis({ name: "redis-rest", token: TOKEN });

/** A key no other test uses. */
const key = (name: string) => `${name}:${randomUUID()}`;

describe("strings", () => {
  test("set/get: non-ASCII text round-trips in base64 and plain mode", async () => {
    const k = key("str");
    expect(await local.redis.set(k, "grüße, 世界 🚀")).toBe("OK");
    expect(await local.redis.get(k)).toBe("grüße, 世界 🚀");
    expect(await local.plain.get(k)).toBe("grüße, 世界 🚀");
  });

  test("set/get: JSON values are stored as JSON text and parsed back", async () => {
    const k = key("json");
    await local.redis.set(k, { a: 1, nested: { list: [1, "two", null] } });
    expect(await local.redis.get(k)).toEqual({ a: 1, nested: { list: [1, "two", null] } });
    expect(await local.redis.get<string>(k)).toEqual({ a: 1, nested: { list: [1, "two", null] } });
  });

  test("set: numbers and booleans arrive as their text", async () => {
    const [n, b, f] = [key("n"), key("b"), key("f")];
    await Promise.all([local.redis.set(n, 1.5), local.redis.set(b, true), local.redis.set(f, false)]);
    const raw = new Redis({ url: local.stack.rest.url, token: TOKEN, automaticDeserialization: false });
    expect(await raw.mget(n, b, f)).toEqual(["1.5", "true", "false"]);
  });

  test("set: options (NX, EX) and a missing key reads as null", async () => {
    const k = key("nx");
    expect(await local.redis.set(k, "first", { nx: true, ex: 100 })).toBe("OK");
    expect(await local.redis.set(k, "second", { nx: true })).toBeNull();
    expect(await local.redis.get(k)).toBe("first");
    expect(await local.redis.ttl(k)).toBeGreaterThan(0);
    expect(await local.redis.get(key("missing"))).toBeNull();
  });
});

describe("counters", () => {
  test("incr/incrby/decr: integers stay numbers", async () => {
    const k = key("counter");
    expect(await local.redis.incr(k)).toBe(1);
    expect(await local.redis.incrby(k, 41)).toBe(42);
    expect(await local.redis.decr(k)).toBe(41);
    expect(await local.plain.incr(k)).toBe(42);
  });

  test("incr: on a non-integer value the client throws Redis's error", async () => {
    const k = key("text");
    await local.redis.set(k, "abc");
    await expect(local.redis.incr(k)).rejects.toThrow(
      "Command failed: ERR value is not an integer or out of range",
    );
  });
});

describe("hashes, sets, sorted sets, lists", () => {
  test("hset/hget/hgetall: hgetall is parsed into an object", async () => {
    const k = key("hash");
    expect(await local.redis.hset(k, { name: "ada", age: 36, tags: ["x"] })).toBe(3);
    expect(await local.redis.hget(k, "name")).toBe("ada");
    expect(await local.redis.hgetall(k)).toEqual({ name: "ada", age: 36, tags: ["x"] });
    expect(await local.plain.hgetall(k)).toEqual({ name: "ada", age: 36, tags: ["x"] });
    expect(await local.redis.hgetall(key("nohash"))).toBeNull();
  });

  test("sadd/smembers/sismember", async () => {
    const k = key("set");
    expect(await local.redis.sadd(k, "a", "b", "c")).toBe(3);
    expect((await local.redis.smembers(k)).sort()).toEqual(["a", "b", "c"]);
    expect(await local.redis.sismember(k, "b")).toBe(1);
    expect(await local.redis.scard(k)).toBe(3);
  });

  test("zadd/zrange: withScores gives member, score pairs", async () => {
    const k = key("zset");
    await local.redis.zadd(
      k,
      { score: 2, member: "two" },
      { score: 1, member: "one" },
      { score: 3.5, member: "three" },
    );
    expect(await local.redis.zrange(k, 0, -1)).toEqual(["one", "two", "three"]);
    expect(await local.redis.zrange(k, 0, -1, { withScores: true })).toEqual([
      "one",
      1,
      "two",
      2,
      "three",
      3.5,
    ]);
    expect(await local.plain.zrange(k, 0, 0, { withScores: true })).toEqual(["one", 1]);
    expect(await local.redis.zscore(k, "three")).toBe(3.5);
  });

  test("rpush/lrange/lpop", async () => {
    const k = key("list");
    expect(await local.redis.rpush(k, "a", "b", "c")).toBe(3);
    expect(await local.redis.lrange(k, 0, -1)).toEqual(["a", "b", "c"]);
    expect(await local.redis.lpop(k)).toBe("a");
    expect(await local.plain.lrange(k, 0, -1)).toEqual(["b", "c"]);
  });
});

describe("streams and keys", () => {
  test("xadd/xrange: entries come back by id with their fields", async () => {
    const k = key("stream");
    const id1 = await local.redis.xadd(k, "*", { type: "TaskCreated", n: 1 });
    const id2 = await local.redis.xadd(k, "*", { type: "TaskRenamed", n: 2 });
    expect(id1).toMatch(/^\d+-\d+$/);
    expect(await local.redis.xrange(k, "-", "+")).toEqual({
      [id1]: { type: "TaskCreated", n: 1 },
      [id2]: { type: "TaskRenamed", n: 2 },
    });
    expect(await local.redis.xlen(k)).toBe(2);
  });

  test("ping/type: status replies decode (PONG, string, hash, none)", async () => {
    const [s, h] = [key("type-s"), key("type-h")];
    await local.redis.set(s, "v");
    await local.redis.hset(h, { f: "v" });
    expect(await local.redis.ping()).toBe("PONG");
    expect(await local.redis.ping(["hello"])).toBe("hello");
    expect(await local.redis.type(s)).toBe("string");
    expect(await local.redis.type(h)).toBe("hash");
    expect(await local.redis.type(key("none"))).toBe("none");
    expect(await local.plain.type(s)).toBe("string");
  });

  test("scan: the cursor and the matching keys come back", async () => {
    const prefix = key("scan");
    await Promise.all(["a", "b", "c"].map((s) => local.redis.set(`${prefix}:${s}`, s)));
    const found: string[] = [];
    let cursor: string | number = "0";
    do {
      const [next, keys]: [string | number, string[]] = await local.redis.scan(cursor, {
        match: `${prefix}:*`,
        count: 100,
      });
      found.push(...keys);
      cursor = next;
    } while (String(cursor) !== "0");
    expect(found.sort()).toEqual([`${prefix}:a`, `${prefix}:b`, `${prefix}:c`]);
  });
});

describe("scripts", () => {
  test("eval: keys, args and nested results", async () => {
    const k = key("eval");
    const result = await local.redis.eval(
      "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('GET', KEYS[1]), 7, {ARGV[2]}}",
      [k],
      ["stored", "inner"],
    );
    expect(result).toEqual(["stored", 7, ["inner"]]);
    expect(await local.plain.eval("return ARGV[1]", [], ["plain"])).toBe("plain");
  });

  test("eval: a script error is thrown with Redis's text", async () => {
    await expect(local.redis.eval("return redis.call('NOSUCHCMD')", [], [])).rejects.toThrow(
      /Unknown Redis command/,
    );
  });

  test("createScript: first exec falls back from EVALSHA (NOSCRIPT) to EVAL, the second hits EVALSHA", async () => {
    const script = local.redis.createScript<string>(`-- ${randomUUID()}\nreturn ARGV[1] .. ':' .. KEYS[1]`);
    await fetch(`${local.stack.rest.url}/__emulator/commands`, { method: "DELETE" });
    local.stack.rest.resetStats();
    expect(await script.exec(["k"], ["first"])).toBe("first:k");
    expect(await commandCounts()).toEqual({ EVAL: 1, EVALSHA: 1 });
    expect(await script.exec(["k"], ["second"])).toBe("second:k");
    expect(await commandCounts()).toEqual({ EVAL: 1, EVALSHA: 2 });
    expect(local.stack.rest.stats()).toEqual({ "POST /pipeline": 3 });
  });

  test("evalsha: an unknown SHA is a NOSCRIPT error", async () => {
    await expect(local.redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(
      "Command failed: NOSCRIPT No matching script. Please use EVAL.",
    );
  });
});

async function commandCounts(): Promise<Record<string, number>> {
  const res = await fetch(`${local.stack.rest.url}/__emulator/commands`);
  return ((await res.json()) as { commands: Record<string, number> }).commands;
}

describe("pipelines and transactions", () => {
  test("pipeline: results in order; an error item makes exec throw with its position", async () => {
    const [k, t] = [key("p"), key("p-text")];
    const ok = await local.redis.pipeline().set(k, 1).incr(k).get(k).exec();
    expect(ok).toEqual(["OK", 2, 2]);
    await local.redis.set(t, "text");
    await expect(local.redis.pipeline().set(k, 5).incr(t).get(k).exec()).rejects.toThrow(
      "Command 2 [ incr ] failed: ERR value is not an integer or out of range",
    );
  });

  test("pipeline: exec({keepErrors:true}) returns every item, errors included", async () => {
    const [k, t] = [key("pk"), key("pk-text")];
    await local.redis.set(t, "text");
    const items = await local.plain.pipeline().set(k, "v").incr(t).get(k).exec({ keepErrors: true });
    expect(items).toEqual([
      { result: "OK", error: undefined },
      { result: undefined, error: "ERR value is not an integer or out of range" },
      { result: "v", error: undefined },
    ]);
  });

  test("multi: runs atomically; an execution error is an item and the other commands still run", async () => {
    const [k, t] = [key("m"), key("m-text")];
    await local.redis.set(t, "text");
    const items = await local.redis.multi().set(k, "a").incr(t).get(k).exec({ keepErrors: true });
    expect(items).toEqual([
      { result: "OK", error: undefined },
      { result: undefined, error: "ERR value is not an integer or out of range" },
      { result: "a", error: undefined },
    ]);
    expect(await local.redis.multi().incr(key("m-c")).ping().exec()).toEqual([1, "PONG"]);
  });

  test("multi: a transaction Redis discards (wrong arity) rejects and changes nothing", async () => {
    const k = key("m-discard");
    const tx = local.redis.multi().set(k, "a").hset(key("h"), {});
    await expect(tx.exec()).rejects.toThrow(
      /^ERR Transaction discarded \(EXECABORT\): command 2 failed: ERR wrong number of arguments for 'hset' command, command was: /,
    );
    expect(await local.redis.get(k)).toBeNull();
  });

  test("multi: a command Upstash does not allow (blocking XREAD) discards the transaction", async () => {
    const k = key("m-block");
    const tx = local.redis.multi().set(k, "a").xread(key("stream"), "0", { blockMS: 10 });
    await expect(tx.exec()).rejects.toThrow(
      "ERR Transaction discarded (EXECABORT): command 2 failed: ERR XREAD blocks, and Upstash REST does not support blocking commands",
    );
    expect(await local.redis.get(k)).toBeNull();
  });
});
