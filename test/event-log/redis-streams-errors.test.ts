/**
 * What the Redis Streams adapter adds to the contract: how it classifies the REST front end's answers, the
 * script cache it relies on, and the sizes it refuses before sending.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../local/common/emulator";
import { freePort } from "../../local/common/ports";
import { startRedisRest } from "../../local/redis/rest";
import {
  ensureRedisServer,
  type RedisServerProcess,
  startRedisServer,
} from "../../local/redis/server-process";
import { UpstreamError, UpstreamUnknownOutcomeError } from "../../shared/errors";
import {
  createRedisStreamsEventLog,
  MAX_RECORD_BYTES,
  streamKey,
} from "../../shared/event-log/redis-streams/event-log";

const TOKEN = "streams-errors-token";
let dir = "";
let server: RedisServerProcess | undefined;
let rest: RunningEmulator | undefined;
let topics = 0;
let serverPort = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "streams-errors-"));
  serverPort = await freePort();
  server = await startServer();
  rest = await startRedisRest({ port: 0, token: TOKEN, redis: { host: "127.0.0.1", port: serverPort } });
});
afterAll(async () => {
  await rest?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function startServer(): Promise<RedisServerProcess> {
  return startRedisServer({ port: serverPort, dir, bin: await ensureRedisServer(() => {}) });
}

function url(): string {
  if (!rest) throw new Error("not started");
  return rest.url;
}

function open(topic: string) {
  return createRedisStreamsEventLog({ url: url(), token: TOKEN, topic, partitions: 1 });
}

async function command(args: unknown[]): Promise<unknown> {
  const res = await fetch(url(), {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(args),
  });
  return ((await res.json()) as { result?: unknown }).result;
}

async function inject(fault: Record<string, unknown>): Promise<void> {
  await fetch(`${url()}/__emulator/faults`, { method: "POST", body: JSON.stringify(fault) });
}

describe("redis-streams adapter", () => {
  it("append: a 5xx answer is an unknown outcome (the script may have run), a 5xx to a read a plain failure", async () => {
    const topic = `errors-${++topics}`;
    const log = open(topic);
    await inject({ kind: "fail", status: 503, bodyIncludes: streamKey(topic, 0) });
    await expect(log.append("k", ["v"])).rejects.toBeInstanceOf(UpstreamUnknownOutcomeError);
    await inject({ kind: "fail", status: 503, bodyIncludes: streamKey(topic, 0) });
    const readError = await log.read(0, 0).catch((e: unknown) => e);
    expect(readError).toBeInstanceOf(UpstreamError);
    expect(readError).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
  });

  it("append: after a restart emptied the server's script cache, the script is sent again and the append succeeds", async () => {
    const log = open(`errors-${++topics}`);
    await log.append("k", ["before"]);
    await server?.stop();
    server = await startServer();
    const [record] = await log.append("k", ["after"]);
    expect(record?.offset).toBe(1);
  });

  it("append: a record over the size limit is refused before anything is sent", async () => {
    const topic = `errors-${++topics}`;
    const log = open(topic);
    const error = await log.append("k", ["x".repeat(MAX_RECORD_BYTES + 1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect((error as Error).message).toMatch(/exceeds the 1048576-byte limit/);
    expect(await log.head(0)).toBe(0);
  });

  it("append: a stream whose last id was moved past its entries refuses the append rather than reuse an offset", async () => {
    const topic = `errors-${++topics}`;
    const log = open(topic);
    await log.append("k", ["a", "b"]);
    await command(["XDEL", streamKey(topic, 0), "1-1"]);
    const error = await log.append("k", ["c"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect((await log.read(0, 0)).map((r) => r.value)).toEqual(["a"]);
  });
});
