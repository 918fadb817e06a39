/**
 * The Kafka emulator's storage pieces on their own: the record framing and its recovery rules, the group
 * commit of a partition log, Kafka's murmur2 partitioner, topic-name rules and the group assignor.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, test } from "vitest";
import { assignPartitions } from "../../local/kafka/groups/assignment";
import { type NewRecord, PartitionLog } from "../../local/kafka/log/partition-log";
import { murmur2, partitionForKey } from "../../local/kafka/log/partitioner";
import { decodeLog, encodeFrame, type StoredRecord } from "../../local/kafka/log/record-codec";
import { topicNameProblem } from "../../local/kafka/topic-name";
import { useTempDirs } from "./support/temp-dirs";

const tempDir = useTempDirs("kafka-storage-");

const record = (offset: number, value = `v${offset}`): StoredRecord => ({
  offset,
  timestamp: 1000 + offset,
  key: `k${offset}`,
  value,
  headers: [{ key: "h", value: String(offset) }],
});

async function openLog(path: string, lines: string[] = []) {
  const syncs: number[] = [];
  const log = await PartitionLog.open({
    path,
    label: "t/0",
    log: (line) => lines.push(line),
    onAppend: () => undefined,
    onSync: (records) => syncs.push(records),
  });
  return { log, syncs, lines };
}

const newRecord = (i: number): NewRecord => ({ timestamp: i, key: "", value: `n${i}`, headers: [] });

describe("record framing", () => {
  test("decodeLog: a clean file decodes every record", () => {
    const file = Buffer.concat([0, 1, 2].map((o) => encodeFrame(record(o))));
    expect(decodeLog(file)).toEqual({ records: [record(0), record(1), record(2)], validBytes: file.length });
  });

  test("decodeLog: any string survives the frame, including lone surrogates and NUL", () => {
    const value = `\u0000\ud800/?#é😀"\n`;
    expect(decodeLog(encodeFrame(record(0, value))).records).toEqual([record(0, value)]);
  });

  test("decodeLog: stops at a torn, corrupt or out-of-sequence frame and reports where", () => {
    const good = Buffer.concat([encodeFrame(record(0)), encodeFrame(record(1))]);
    const next = encodeFrame(record(2));
    const flipped = Buffer.from(next);
    flipped[flipped.length - 3] = (flipped[flipped.length - 3] ?? 0) ^ 0xff;
    const cases: [Buffer, RegExp][] = [
      [next.subarray(0, 5), /short frame header/],
      [next.subarray(0, next.length - 1), /short frame/],
      [flipped, /checksum mismatch/],
      [encodeFrame(record(7)), /offset 7 where 2 was expected/],
      [Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), /out of range/],
    ];
    for (const [tail, problem] of cases) {
      const decoded = decodeLog(Buffer.concat([good, tail]));
      expect(decoded).toEqual({
        records: [record(0), record(1)],
        validBytes: good.length,
        problem: decoded.problem,
      });
      expect(decoded.problem).toMatch(problem);
    }
  });
});

describe("partition log", () => {
  test("append: appends issued together share one fsync and get consecutive offsets", async () => {
    const { log, syncs } = await openLog(join(tempDir(), "0.log"));
    const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => log.append([newRecord(i)])));
    expect(acks.map((stored) => stored.map((r) => r.offset))).toEqual(
      Array.from({ length: 100 }, (_, i) => [i]),
    );
    expect(syncs).toEqual([100]);
    await log.close();
  });

  test("append: appends arriving while an fsync is in flight are written together by the next one", async () => {
    const { log, syncs } = await openLog(join(tempDir(), "0.log"));
    const first = log.append([newRecord(0)]);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Array.from({ length: 50 }, (_, i) => log.append([newRecord(i + 1), newRecord(i + 1)]));
    expect((await first).map((r) => r.offset)).toEqual([0]);
    const offsets = (await Promise.all(rest)).map((stored) => stored.map((r) => r.offset));
    expect(offsets).toEqual(Array.from({ length: 50 }, (_, i) => [1 + 2 * i, 2 + 2 * i]));
    expect(syncs).toEqual([1, 100]);
    await log.close();
  });

  test("append: an acknowledged record is already in the file and readable", async () => {
    const path = join(tempDir(), "0.log");
    const { log } = await openLog(path);
    const [stored] = await log.append([{ timestamp: 5, key: "k", value: "v", headers: [] }]);
    const expected = { offset: 0, timestamp: 5, key: "k", value: "v", headers: [] };
    expect(stored).toEqual(expected);
    expect(decodeLog(readFileSync(path)).records).toEqual([expected]);
    expect(log.read(0, 10)).toEqual([expected]);
    await log.close();
  });

  test("open: a torn tail is cut off the file and logged; appends continue at its offset", async () => {
    const path = join(tempDir(), "0.log");
    const { log } = await openLog(path);
    await log.append([newRecord(0), newRecord(1)]);
    await log.close();
    appendFileSync(path, encodeFrame(record(2)).subarray(0, 10));
    const reopened = await openLog(path);
    expect(reopened.lines).toHaveLength(1);
    expect(reopened.lines[0]).toMatch(/t\/0: short frame.*offset 2.*dropped 10 bytes, keeping 2 records/);
    expect(reopened.log.endOffset).toBe(2);
    expect((await reopened.log.append([newRecord(2)])).map((r) => r.offset)).toEqual([2]);
    await reopened.log.close();
    expect(decodeLog(readFileSync(path))).toEqual({
      records: [0, 1, 2].map((i) => ({ ...newRecord(i), offset: i })),
      validBytes: readFileSync(path).length,
    });
  });

  test("open: a corrupt frame with records after it refuses to start, says where, and leaves the file as it was", async () => {
    const path = join(tempDir(), "0.log");
    const { log } = await openLog(path);
    await log.append([0, 1, 2, 3].map(newRecord));
    await log.close();
    const bytes = readFileSync(path);
    const second = encodeFrame({ ...newRecord(1), offset: 1 });
    const at = encodeFrame({ ...newRecord(0), offset: 0 }).length;
    const corrupt = Buffer.from(bytes);
    corrupt[at + second.length - 2] = (corrupt[at + second.length - 2] ?? 0) ^ 0xff;
    writeFileSync(path, corrupt);

    await expect(openLog(path)).rejects.toThrow(
      new RegExp(
        `t/0: checksum mismatch at byte ${at} \\(offset 1\\), but 2 acknowledged records follow it from byte ${at + second.length}; ` +
          "refusing to start rather than drop them",
      ),
    );
    expect(readFileSync(path)).toEqual(corrupt);
  });

  test("decodeLog: reports the first good frame after a corrupt one in the middle", () => {
    const frames = [0, 1, 2].map((o) => encodeFrame(record(o)));
    const [zero, one, two] = frames;
    if (!zero || !one || !two) throw new Error("no frame");
    const flipped = Buffer.from(one);
    flipped[flipped.length - 2] = (flipped[flipped.length - 2] ?? 0) ^ 0xff;
    const decoded = decodeLog(Buffer.concat([zero, flipped, two]));
    expect(decoded).toEqual({
      records: [record(0)],
      validBytes: zero.length,
      problem: "checksum mismatch",
      resumesAt: { byte: zero.length + one.length, offset: 2, records: 1 },
    });
  });

  test("records are held as their frames' bytes, off the JS heap, and read back whole", async () => {
    // A bench run appends hundreds of thousands of records: held as JS objects and strings they made every major
    // collection of the emulator's process mark them all, in the middle of whatever was being measured.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const path = join(tempDir(), "0.log");
    const { log } = await openLog(path);
    const value = (i: number) => `${i}:${"v".repeat(1000)}`;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let batch = 0; batch < 20; batch++) {
      const records = Array.from({ length: 1000 }, (_, i) => ({
        timestamp: batch * 1000 + i,
        key: `k${i}`,
        value: value(batch * 1000 + i),
        headers: [{ key: "h", value: "x" }],
      }));
      await log.append(records);
    }
    gc();
    // 20,000 records of about 1 KB: 20 MB as strings; their frames' bytes are no part of the heap.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(4 * 1024 * 1024);
    expect(log.endOffset).toBe(20_000);
    expect(log.read(19_998, 5)).toEqual(
      [19_998, 19_999].map((o) => ({
        offset: o,
        timestamp: o,
        key: `k${o % 1000}`,
        value: value(o),
        headers: [{ key: "h", value: "x" }],
      })),
    );
    await log.close();
    const reopened = await openLog(path);
    expect(reopened.log.read(0, 1)[0]?.value).toBe(value(0));
    expect(reopened.log.offsetForTime(12_345)).toBe(12_345);
    expect([reopened.log.timestampAt(12_345), reopened.log.timestampAt(20_000)]).toEqual([12_345, undefined]);
    await reopened.log.close();
  });

  test("offsetForTime: the first offset at or after the time, else the end offset", async () => {
    const { log } = await openLog(join(tempDir(), "0.log"));
    await log.append([10, 30, 20, 40].map((t) => ({ timestamp: t, key: "", value: "", headers: [] })));
    expect([0, 10, 11, 25, 31, 40, 41].map((t) => log.offsetForTime(t))).toEqual([0, 0, 1, 1, 3, 3, 4]);
    await log.close();
  });
});

describe("partitioning and names", () => {
  test("murmur2: matches Kafka's UtilsTest vectors", () => {
    const vectors: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
      ["", 275646681],
    ];
    expect(vectors.map(([s]) => murmur2(Buffer.from(s)))).toEqual(vectors.map(([, h]) => h));
    expect(partitionForKey("foobar", 50)).toBe((-790332482 & 0x7fffffff) % 50);
  });

  test("topic names: Kafka's rule, 1-249 of [a-zA-Z0-9._-], not . or ..", () => {
    for (const ok of ["a", "events", "A.b_c-1", "x".repeat(249), "..."])
      expect(topicNameProblem(ok)).toBeUndefined();
    for (const bad of ["", ".", "..", "x".repeat(250), "a b", "a/b", "ü", "@groups", "a:b"]) {
      expect(topicNameProblem(bad)).toBeDefined();
    }
  });

  test("assignPartitions: each topic's partitions go round the instances subscribed to it, sorted by name", () => {
    const counts: Record<string, number> = { t: 5, u: 2 };
    const assignment = assignPartitions(
      [
        { name: "b", topics: ["t", "u"] },
        { name: "a", topics: ["t"] },
        { name: "c", topics: ["u"] },
      ],
      (topic) => counts[topic] ?? 0,
    );
    expect(Object.fromEntries(assignment)).toEqual({
      a: [0, 2, 4].map((partition) => ({ topic: "t", partition })),
      b: [
        { topic: "t", partition: 1 },
        { topic: "t", partition: 3 },
        { topic: "u", partition: 0 },
      ],
      c: [{ topic: "u", partition: 1 }],
    });
  });
});
