/**
 * What the Redpanda adapter does beyond the shared contract: how it classifies the proxy's answers (a refusal
 * only when nothing can have been stored), what it refuses before sending, a topic with too few partitions,
 * and what a head costs in requests. Driven against the Redpanda HTTP Proxy emulator.
 */

import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningRedpandaEmulator, startRedpandaEmulator } from "../../local/redpanda/rest";
import { ConfigError, UpstreamError, UpstreamUnknownOutcomeError } from "../../shared/errors";
import { createRedpandaEventLog, MAX_APPEND_BYTES } from "../../shared/event-log/redpanda/event-log";

const USERNAME = "adapter-redpanda";
const PASSWORD = "adapter-redpanda-password";
const FETCH_ROUTE = "GET /topics/{topic}/partitions/{partition}/records";
const PRODUCE_ROUTE = "POST /topics/{topic}";

let emulator: RunningRedpandaEmulator | undefined;
let strict: RunningRedpandaEmulator | undefined;
const dirs: string[] = [];

const start = (autoCreateTopics: boolean) => {
  const dataDir = mkdtempSync(join(tmpdir(), "redpanda-adapter-"));
  dirs.push(dataDir);
  return startRedpandaEmulator({
    port: 0,
    username: USERNAME,
    password: PASSWORD,
    dataDir,
    autoCreateTopics,
  });
};

beforeAll(async () => {
  emulator = await start(true);
  strict = await start(false);
});

afterAll(async () => {
  await emulator?.close();
  await strict?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function proxy(which: RunningRedpandaEmulator | undefined = emulator): RunningRedpandaEmulator {
  if (!which) throw new Error("the emulator did not start");
  return which;
}

const open = (topic: string, partitions = 1, which = proxy()) =>
  createRedpandaEventLog({ url: which.url, username: USERNAME, password: PASSWORD, topic, partitions });
const fresh = () => `adapter-${randomUUID()}`;

describe("append outcomes", () => {
  test("append: a 5xx answer is an unknown outcome, since the proxy may have handed the batch to Kafka", async () => {
    for (const status of [500, 503]) {
      const topic = fresh();
      proxy().faults.add({ kind: "fail", count: 1, status, ms: 0, path: `/topics/${topic}` });
      const error = await open(topic)
        .append("k", ["maybe"])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamUnknownOutcomeError);
    }
  });

  test("append: a 408 answer is an unknown outcome", async () => {
    const topic = fresh();
    proxy().faults.add({ kind: "fail", count: 1, status: 408, ms: 0, path: `/topics/${topic}` });
    const error = await open(topic)
      .append("k", ["maybe"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnknownOutcomeError);
  });

  test("append: an unknown topic on a cluster without auto-creation is a definite refusal that says what to do", async () => {
    const topic = fresh();
    const error = await open(topic, 1, proxy(strict))
      .append("k", ["never"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect(String((error as Error).message)).toMatch(/Kafka error 3 .*create the topic/);
  });

  test("append: an append over the size limit is refused before any request", async () => {
    const topic = fresh();
    proxy().resetStats();
    const values = ["x".repeat(MAX_APPEND_BYTES / 2), "y".repeat(MAX_APPEND_BYTES / 2)];
    const error = await open(topic)
      .append("k", values)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect(proxy().stats()[PRODUCE_ROUTE]).toBeUndefined();
  });
});

describe("partitions", () => {
  test("read: a partition the topic does not have is an error naming EVENT_LOG_PARTITIONS, not an empty log", async () => {
    const topic = fresh();
    await open(topic, 1).append("k", ["one partition"]);
    const wide = open(topic, 3);
    const error = await wide.read(2, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(String((error as Error).message)).toMatch(/no partition 2.*EVENT_LOG_PARTITIONS/);
    expect(await wide.head(2).catch((e: unknown) => e)).toBeInstanceOf(UpstreamError);
  });
});

describe("read size", () => {
  test("read: with a limit it asks for about that many records' bytes, not max_bytes of 1 MiB", async () => {
    const topic = fresh();
    const asked: number[] = [];
    const observed: typeof fetch = (input, init) => {
      const url = new URL(String(input));
      if (url.searchParams.has("max_bytes")) asked.push(Number(url.searchParams.get("max_bytes")));
      return fetch(input, init);
    };
    const log = createRedpandaEventLog({
      url: proxy().url,
      username: USERNAME,
      password: PASSWORD,
      topic,
      partitions: 1,
      fetch: observed,
    });
    await log.append(
      "k",
      Array.from({ length: 30 }, (_, i) => `value ${i} ${"x".repeat(100)}`),
    );
    expect((await log.read(0, 5, { limit: 10 })).map((r) => r.offset)).toEqual([
      5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    ]);
    await log.read(0, 15);
    expect(asked).toEqual([16 * 1024, 1024 * 1024]);
  });
});

describe("head cost", () => {
  test("head: one fetch once the adapter has seen the end; a handful from a fresh adapter", async () => {
    const topic = fresh();
    const log = open(topic);
    for (let i = 0; i < 40; i++) await log.append(`k${i}`, [`a${i}`, `b${i}`, `c${i}`]);
    proxy().resetStats();
    expect(await log.head(0)).toBe(120);
    expect(proxy().stats()[FETCH_ROUTE]).toBe(1);

    proxy().resetStats();
    expect(await open(topic).head(0)).toBe(120);
    const probes = proxy().stats()[FETCH_ROUTE] ?? 0;
    expect(probes).toBeGreaterThan(1);
    expect(probes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(120)) + 2);
  });
});

describe("configuration", () => {
  test("config: an https URL with a port other than 443 is refused, since deployed Workers would ignore the port", () => {
    const build = (url: string) => () =>
      createRedpandaEventLog({ url, username: USERNAME, password: PASSWORD, topic: "events", partitions: 1 });
    expect(build("https://proxy.example.com:30082")).toThrow(ConfigError);
    expect(build("https://proxy.example.com:30082")).toThrow(
      /REDPANDA_PROXY_URL names a port other than 443/,
    );
    expect(build("https://proxy.example.com")).not.toThrow();
    expect(build("https://proxy.example.com:443")).not.toThrow();
    expect(build("http://127.0.0.1:8083")).not.toThrow();
  });
});
