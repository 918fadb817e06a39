/**
 * Durability of the Redpanda HTTP Proxy emulator, which inherits it from the Kafka emulator's storage: every
 * acknowledged produce survives `kill -9` of the emulator process at its offsets, batch boundaries included
 * (they are derived from what is stored), and concurrent produces get distinct contiguous ranges.
 */
import { afterAll, describe, expect, test } from "vitest";
import { freePort } from "../../local/common/ports";
import type { EmulatorProcess } from "../support/emulator-process";
import { startRedpandaProcess } from "../support/redpanda-process";
import { b64, basicAuth, type ProxyClient, proxyClient, unb64 } from "./support/redpanda-fixture";
import { useTempDirs } from "./support/temp-dirs";

const USER = "redpanda-durable-user";
const PASS = "redpanda-durable-pass";
const tempDir = useTempDirs("redpanda-durable-");
const running = new Set<EmulatorProcess>();

// Registered after useTempDirs, so it runs before the folders are removed (vitest runs after-hooks in reverse).
afterAll(async () => {
  for (const emulator of running) await emulator.kill9();
});

async function start(
  port: number,
  dataDir: string,
): Promise<{ emulator: EmulatorProcess; client: ProxyClient }> {
  const emulator = await startRedpandaProcess({
    port,
    dataDir,
    username: USER,
    password: PASS,
    partitions: 2,
  });
  running.add(emulator);
  return { emulator, client: proxyClient(() => emulator.url, basicAuth(USER, PASS)) };
}

interface Produced {
  partition: number;
  base: number;
  values: string[];
}

async function produceBatch(
  client: ProxyClient,
  topic: string,
  partition: number,
  values: string[],
): Promise<Produced> {
  const answer = await client.produce(
    topic,
    values.map((value) => ({ value, key: `k-${partition}`, partition })),
  );
  expect(answer.status).toBe(200);
  const [entry] = (answer.body as { offsets: { partition: number; offset: number }[] }).offsets;
  return { partition, base: entry?.offset ?? -1, values };
}

async function readAll(client: ProxyClient, topic: string, partition: number): Promise<Map<number, string>> {
  const answer = await client.fetchRecords(topic, partition, 0, 100_000_000);
  const records = answer.body as { offset: number; value: string }[];
  return new Map(records.map((r) => [r.offset, unb64(r.value)]));
}

describe("crash safety", () => {
  test("produce: 50 concurrent produces get distinct contiguous ranges, and all survive kill -9", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const first = await start(port, dataDir);
    const topic = "crash";
    const produced = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        produceBatch(
          first.client,
          topic,
          i % 2,
          Array.from({ length: 1 + (i % 3) }, (_, j) => `v-${i}-${j}`),
        ),
      ),
    );
    for (const partition of [0, 1]) {
      const ranges = produced
        .filter((p) => p.partition === partition)
        .map((p) => [p.base, p.base + p.values.length] as const)
        .sort((a, b) => a[0] - b[0]);
      const starts = ranges.map(([start]) => start);
      expect(starts).toEqual([0, ...ranges.slice(0, -1).map(([, end]) => end)]);
    }

    await first.emulator.kill9();
    const second = await start(port, dataDir);
    for (const partition of [0, 1]) {
      const stored = await readAll(second.client, topic, partition);
      const expected = new Map(
        produced
          .filter((p) => p.partition === partition)
          .flatMap((p) => p.values.map((value, i) => [p.base + i, value] as const)),
      );
      expect(stored).toEqual(expected);
    }
    const next = await produceBatch(second.client, topic, 0, ["after"]);
    expect(next.base).toBe(
      produced.filter((p) => p.partition === 0).reduce((n, p) => n + p.values.length, 0),
    );
    await second.emulator.stop();
  });

  test("fetch: a batch is still served whole after a restart", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const first = await start(port, dataDir);
    await produceBatch(first.client, "batches", 0, ["a", "b", "c"]);
    await first.emulator.kill9();
    const second = await start(port, dataDir);
    const answer = await second.client.fetchRecords("batches", 0, 2, 1);
    expect((answer.body as { offset: number; value: string }[]).map((r) => [r.offset, r.value])).toEqual([
      [0, b64("a")],
      [1, b64("b")],
      [2, b64("c")],
    ]);
    await second.emulator.stop();
  });
});
