/**
 * Durability of the Kafka emulator: an acknowledged record survives `kill -9` of the emulator process, a torn
 * or corrupt last record is dropped at start (and the offsets continue from the last good record), topics
 * keep their partition count across restarts, and concurrent produces get distinct consecutive offsets.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka } from "@upstash/kafka";
import { afterAll, describe, expect, test } from "vitest";
import { freePort } from "../../local/common/ports";
import { encodeFrame } from "../../local/kafka/log/record-codec";
import { type KafkaEmulatorOptions, startKafkaEmulator } from "../../local/kafka/rest";
import { useTempDirs } from "./support/temp-dirs";

const USER = "kafka-durable-user";
const PASS = "kafka-durable-pass";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

const tempDir = useTempDirs("kafka-durable-");
const children = new Set<ChildProcess>();

// Registered after useTempDirs, so it runs before the folders are removed (vitest runs after-hooks in reverse).
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGKILL");
});

interface ChildEmulator {
  url: string;
  /** The Node process that owns the data (tsx runs the script in a child of its own). */
  pid: number;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** Starts `local/kafka/main.ts` through tsx and waits for its one ready line. */
async function spawnEmulator(dataDir: string): Promise<ChildEmulator> {
  const port = await freePort();
  const args = ["local/kafka/main.ts", "--port", String(port), "--data", dataDir, "--username", USER];
  const child = spawn(TSX, [...args, "--password", PASS, "--partitions", "2"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const match = /listening on (\S+) pid=(\d+)/.exec(stdout);
      if (match) resolve(match);
    });
    exited.then((code) => reject(new Error(`emulator exited with ${code} before it was ready:\n${stderr}`)));
  });
  expect(stdout.trim().split("\n")).toHaveLength(1);
  return { url: ready[1] ?? "", pid: Number(ready[2]), exited, stderr: () => stderr };
}

describe("crash safety", () => {
  test("produce: every acknowledged record is at its offset after kill -9 and a restart", async () => {
    const dataDir = tempDir();
    const first = await spawnEmulator(dataDir);
    const producer = new Kafka({ url: first.url, username: USER, password: PASS }).producer();
    const topic = "crash";
    const singles = Array.from({ length: 120 }, (_, i) =>
      producer.produce(topic, `single-${i}`, {
        key: `task-${i % 7}`,
        headers: [{ key: "i", value: String(i) }],
      }),
    );
    const batches = Array.from({ length: 10 }, (_, b) =>
      producer.produceMany(
        Array.from({ length: 8 }, (_, i) => ({ topic, value: `batch-${b}-${i}`, partition: i % 2 })),
      ),
    );
    const acks = [...(await Promise.all(singles)), ...(await Promise.all(batches)).flat()];
    process.kill(first.pid, "SIGKILL");
    await first.exited;

    const second = await spawnEmulator(dataDir);
    const consumer = new Kafka({ url: second.url, username: USER, password: PASS }).consumer();
    const stored = new Map<string, string>();
    for (const partition of [0, 1]) {
      for (let offset = 0; ; ) {
        const page = await consumer.fetch({ topic, partition, offset, timeout: 0 });
        if (page.length === 0) break;
        for (const m of page) stored.set(`${m.partition}/${m.offset}`, m.value);
        offset += page.length;
      }
    }
    const expected = new Map<string, string>();
    for (const [i, ack] of singles.entries())
      expected.set(`${(await ack).partition}/${(await ack).offset}`, `single-${i}`);
    for (const [b, batch] of batches.entries()) {
      for (const [i, ack] of (await batch).entries())
        expected.set(`${ack.partition}/${ack.offset}`, `batch-${b}-${i}`);
    }
    expect(expected.size).toBe(acks.length);
    expect(stored).toEqual(expected);
    expect(second.stderr()).toBe("");

    process.kill(second.pid, "SIGTERM");
    expect(await second.exited).toBe(0);
  });
});

describe("recovery", () => {
  const options = (dataDir: string, lines: string[]): KafkaEmulatorOptions => ({
    port: 0,
    username: USER,
    password: PASS,
    dataDir,
    log: (line) => lines.push(line),
  });
  const frame = (offset: number) =>
    encodeFrame({ offset, timestamp: 1, key: "", value: "torn", headers: [] });

  async function withTornTail(tail: Buffer, problem: RegExp) {
    const dataDir = tempDir();
    const lines: string[] = [];
    const topic = "torn";
    const first = await startKafkaEmulator(options(dataDir, lines));
    const producer = new Kafka({ url: first.url, username: USER, password: PASS }).producer();
    await producer.produceMany(
      ["a", "b", "c"].map((value, i) => ({ topic, value, partition: 0, timestamp: i })),
    );
    await first.close();
    const file = join(dataDir, topic, "0.log");
    const goodSize = readFileSync(file).length;
    appendFileSync(file, tail);

    const second = await startKafkaEmulator(options(dataDir, lines));
    const kafka = new Kafka({ url: second.url, username: USER, password: PASS });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(problem);
    expect(lines[0]).toMatch(/torn\/0: .* at byte \d+ \(offset 3\); dropped \d+ bytes, keeping 3 records/);
    expect(readFileSync(file).length).toBe(goodSize);
    expect(await kafka.consumer().fetch({ topic, partition: 0, offset: 0, timeout: 0 })).toEqual(
      ["a", "b", "c"].map((value, offset) => ({
        topic,
        partition: 0,
        offset,
        timestamp: offset,
        key: "",
        value,
        headers: [],
      })),
    );
    expect(await kafka.producer().produce(topic, "d", { partition: 0, timestamp: 3 })).toEqual({
      topic,
      partition: 0,
      offset: 3,
      timestamp: 3,
    });
    await second.close();

    const third = await startKafkaEmulator(options(dataDir, lines));
    const values = await new Kafka({ url: third.url, username: USER, password: PASS })
      .consumer()
      .fetch({ topic, partition: 0, offset: 0, timeout: 0 });
    expect(values.map((m) => m.value)).toEqual(["a", "b", "c", "d"]);
    expect(lines).toHaveLength(1);
    await third.close();
  }

  test("start: half a frame at the end of a log is dropped; the next produce takes its offset", async () => {
    const torn = frame(3);
    await withTornTail(torn.subarray(0, Math.floor(torn.length / 2)), /short frame/);
  });

  test("start: a last record with corrupt bytes is dropped; the next produce takes its offset", async () => {
    const corrupt = Buffer.from(frame(3));
    corrupt[corrupt.length - 4] = (corrupt[corrupt.length - 4] ?? 0) ^ 0x5a;
    await withTornTail(corrupt, /checksum mismatch/);
  });

  test("start: a few stray bytes after the last record are dropped", async () => {
    await withTornTail(Buffer.from([0x00, 0x07, 0xff]), /short frame header/);
  });

  test("start: a damaged record with acknowledged records after it refuses to start and drops nothing", async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const topic = "damaged";
    const first = await startKafkaEmulator(options(dataDir, lines));
    await new Kafka({ url: first.url, username: USER, password: PASS })
      .producer()
      .produceMany(["a", "b", "c", "d"].map((value, i) => ({ topic, value, partition: 0, timestamp: i })));
    await first.close();
    const file = join(dataDir, topic, "0.log");
    const damaged = readFileSync(file);
    const second = damaged.readUInt32BE(0) + 8 + 10;
    damaged[second] = (damaged[second] ?? 0) ^ 0x5a;
    writeFileSync(file, damaged);

    await expect(startKafkaEmulator(options(dataDir, lines))).rejects.toThrow(
      /damaged\/0: checksum mismatch at byte \d+ \(offset 1\), but 2 acknowledged records follow it .*refusing to start/,
    );
    expect(readFileSync(file)).toEqual(damaged);
  });

  test("start: a topic keeps its partition count whatever the default is on restart", async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const first = await startKafkaEmulator({ ...options(dataDir, lines), defaultPartitions: 4 });
    await new Kafka({ url: first.url, username: USER, password: PASS })
      .producer()
      .produce("wide", "x", { partition: 3 });
    await first.close();
    const second = await startKafkaEmulator({ ...options(dataDir, lines), defaultPartitions: 1 });
    const kafka = new Kafka({ url: second.url, username: USER, password: PASS });
    expect(await kafka.admin().topics()).toEqual({ wide: 4 });
    expect(await kafka.producer().produce("wide", "y", { partition: 3, timestamp: 1 })).toEqual({
      topic: "wide",
      partition: 3,
      offset: 1,
      timestamp: 1,
    });
    expect(lines).toEqual([]);
    await second.close();
  });
});

describe("group commit", () => {
  test("produce: many concurrent produces are all acknowledged with distinct consecutive offsets", async () => {
    const dataDir = tempDir();
    const emulator = await startKafkaEmulator({ port: 0, username: USER, password: PASS, dataDir });
    const kafka = new Kafka({ url: emulator.url, username: USER, password: PASS });
    const count = 300;
    const acks = await Promise.all(
      Array.from({ length: count }, (_, i) => kafka.producer().produce("burst", `v${i}`, { partition: 0 })),
    );
    expect(acks.map((a) => a.offset).sort((a, b) => a - b)).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
    const fetched = await kafka.consumer().fetch({ topic: "burst", partition: 0, offset: 0, timeout: 0 });
    expect(fetched.map((m) => m.value)).toEqual(
      [...acks.entries()].sort(([, a], [, b]) => a.offset - b.offset).map(([i]) => `v${i}`),
    );
    const stats = emulator.storage.stats();
    expect(stats.records).toBe(count);
    expect(stats.fsyncs).toBeLessThanOrEqual(count);
    await emulator.close();
  });
});
