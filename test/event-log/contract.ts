/**
 * The event log contract: what every adapter of the port (shared/event-log/port.ts) must do, run against the
 * engine on the local stack, and by the in-memory log. An adapter's test file calls `eventLogContract` with a
 * `LogSubject` that starts its engine, opens logs on fresh topics and makes the engine fail (for an engine behind an
 * emulator, through its fault injection: emulator-faults.ts).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { UpstreamError, UpstreamTimeoutError, UpstreamUnknownOutcomeError } from "../../shared/errors";
import type { EventLog, LogRecord } from "../../shared/event-log/port";

export interface OpenOptions {
  partitions?: number;
  /** Per-request time limit of the adapter, ms. */
  timeoutMs?: number;
  /** Open with credentials the engine refuses. */
  wrongCredentials?: boolean;
}

export interface LogSubject {
  /**
   * An adapter over `topic` (a fresh, unused name per call), with at most 3 partitions: an engine whose topics
   * have a fixed partition count must create (or auto-create) them with at least that many.
   */
  open(topic: string, options?: OpenOptions): EventLog;
  /**
   * Makes the engine answer the next append to `topic` with `fault`: "refuse" a definite refusal before anything
   * is stored, "timeout" no answer for 3 s (the log is opened with a 300 ms limit), "drop" the connection dropped
   * after 50 ms (the log is opened with a 5 s limit); `{ refusedWith }` that status before anything is stored;
   * `{ storedThen }` that status after the records were stored (a proxy's 502, 504, 408 or 499 after the upstream
   * wrote them, or a 2xx whose body is not the acknowledgement).
   */
  failNextAppend(topic: string, fault: AppendFault): Promise<void>;
  /** Clears the faults not spent yet. */
  clearFaults(): Promise<void>;
  /**
   * Deletes stored records of `topic`'s `partition`, as trimming, retention or a hand deletion would. Absent when
   * the engine (or its emulator) cannot delete records: the gap tests are then skipped, not passed.
   */
  loseRecords?(topic: string, partition: number, offsets: readonly number[]): Promise<void>;
  /** The largest record value the adapter accepts, in UTF-8 bytes. */
  largestRecordBytes: number;
  /** False when the engine's API serves no record timestamps (Redpanda's HTTP Proxy): records then carry 0. */
  timestamps?: boolean;
  /**
   * True when the adapter must declare that a short read tells the partition's end (`EventLog.shortReadsEnd`: the
   * fold then reads no more); unset, it must not (a Kafka fetch may stop at its byte limit).
   */
  shortReadsEnd?: boolean;
  /**
   * Kills the engine's process with SIGKILL and starts it again on the same data; resolves once it serves. Absent
   * when the engine has no process of its own (the in-memory log): the crash test is then skipped, not passed.
   */
  crash?(): Promise<void>;
  close(): Promise<void>;
}

export type AppendFault = "refuse" | "timeout" | "drop" | { refusedWith: number } | { storedThen: number };

/** Statuses an answer may carry after the append was stored: none of them proves that nothing was written. */
export const AMBIGUOUS_STATUSES = [408, 499, 500, 502, 503, 504] as const;
/** Statuses a log answers before it writes anything: each proves the append was refused. */
export const REFUSAL_STATUSES = [400, 401, 403, 404, 413, 429] as const;

let topics = 0;
const freshTopic = () => `contract-${process.pid}-${++topics}-${randomUUID().slice(0, 8)}`;

/** A string of exactly `bytes` UTF-8 bytes, mixing 1-, 2-, 3- and 4-byte characters. */
function unicodeOfBytes(bytes: number): string {
  const unit = "aé€😀"; // 1 + 2 + 3 + 4 bytes
  return unit.repeat(Math.floor(bytes / 10)) + "a".repeat(bytes % 10);
}

const values = (records: readonly LogRecord[]) => records.map((r) => r.value);
const offsets = (records: readonly LogRecord[]) => records.map((r) => r.offset);

/** Registers the contract's tests for one adapter. */
export function eventLogContract(name: string, start: () => Promise<LogSubject>): void {
  describe(`event log contract: ${name}`, () => {
    let subject: LogSubject | undefined;
    const s = (): LogSubject => {
      if (subject === undefined) throw new Error("the subject did not start");
      return subject;
    };
    beforeAll(async () => {
      subject = await start();
    });
    afterAll(async () => {
      await subject?.close();
    });

    test("append: offsets are dense integers from 0, in order, with key and timestamp", async () => {
      const log = s().open(freshTopic());
      const before = Date.now();
      const appended: LogRecord[] = [];
      for (const v of ["a", "b", "c"]) appended.push(...(await log.append("task-1", [v])));
      expect(offsets(appended)).toEqual([0, 1, 2]);
      const read = await log.read(0, 0);
      expect(offsets(read)).toEqual([0, 1, 2]);
      expect(values(read)).toEqual(["a", "b", "c"]);
      for (const r of read) {
        expect(r.key).toBe("task-1");
        expect(r.partition).toBe(0);
        if (s().timestamps === false) expect(r.timestamp).toBe(0);
        else expect(r.timestamp).toBeGreaterThanOrEqual(before - 60_000);
      }
    });

    test("read: the log says whether a short read tells the end, as its engine allows; one that says so answers every record up to its limit, however large", async () => {
      const log = s().open(freshTopic());
      expect(log.shortReadsEnd === true).toBe(s().shortReadsEnd === true);
      if (!log.shortReadsEnd) return;
      const big = unicodeOfBytes(Math.min(s().largestRecordBytes, 200_000));
      for (let i = 0; i < 6; i++) await log.append(`k${i}`, [big]);
      expect(offsets(await log.read(0, 1, { limit: 10 }))).toEqual([1, 2, 3, 4, 5]);
      expect(offsets(await log.read(0, 0, { limit: 3 }))).toEqual([0, 1, 2]);
    });

    test("append: a multi-record append is contiguous and comes back in order", async () => {
      const log = s().open(freshTopic());
      await log.append("k", ["x"]);
      const records = await log.append("k", ["one", "two", "three"]);
      expect(offsets(records)).toEqual([1, 2, 3]);
      expect(values(await log.read(0, 1))).toEqual(["one", "two", "three"]);
    });

    test("append: concurrent multi-record appends never interleave", async () => {
      const log = s().open(freshTopic());
      const writers = Array.from({ length: 12 }, (_, w) =>
        log.append(`w${w}`, [`w${w}-0`, `w${w}-1`, `w${w}-2`]),
      );
      const answers = await Promise.all(writers);
      for (const records of answers) {
        const first = records[0]?.offset ?? -1;
        expect(offsets(records)).toEqual([first, first + 1, first + 2]);
      }
      const read = await log.read(0, 0, { limit: 100 });
      expect(offsets(read)).toEqual(Array.from({ length: 36 }, (_, i) => i));
      for (let i = 0; i < read.length; i += 3) {
        const writer = read[i]?.key;
        expect(values(read.slice(i, i + 3))).toEqual([`${writer}-0`, `${writer}-1`, `${writer}-2`]);
      }
    });

    test("append: 50 concurrent appenders get distinct, contiguous offsets", async () => {
      const log = s().open(freshTopic());
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => log.append("same-key", [`v${i}`])),
      );
      const got = answers.flatMap(offsets).sort((a, b) => a - b);
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
      const read = await log.read(0, 0, { limit: 50 });
      expect(new Set(values(read))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `v${i}`)));
      expect(await log.head(0)).toBe(50);
    });

    test("read: from the middle, with a limit, past the end", async () => {
      const log = s().open(freshTopic());
      await log.append("k", ["r0", "r1", "r2", "r3", "r4", "r5"]);
      expect(values(await log.read(0, 3))).toEqual(["r3", "r4", "r5"]);
      expect(values(await log.read(0, 2, { limit: 2 }))).toEqual(["r2", "r3"]);
      expect(await log.read(0, 6)).toEqual([]);
      expect(await log.read(0, 1000)).toEqual([]);
    });

    test("read: an unknown topic is an empty log", async () => {
      const log = s().open(freshTopic());
      expect(await log.read(0, 0)).toEqual([]);
      expect(await log.head(0)).toBe(0);
    });

    test("head: the next offset to be written", async () => {
      const log = s().open(freshTopic());
      expect(await log.head(0)).toBe(0);
      await log.append("k", ["a", "b"]);
      expect(await log.head(0)).toBe(2);
      await log.append("k", ["c"]);
      expect(await log.head(0)).toBe(3);
    });

    test("append: a key's records go to its partition, each partition counting from 0", async () => {
      const log = s().open(freshTopic(), { partitions: 3 });
      const keys = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
      for (const key of keys) {
        const [record] = await log.append(key, [`${key}-value`]);
        expect(record?.partition).toBe(log.partitionFor(key));
      }
      let total = 0;
      for (let p = 0; p < 3; p++) {
        const read = await log.read(p, 0);
        expect(offsets(read)).toEqual(read.map((_, i) => i));
        for (const r of read) expect(log.partitionFor(r.key)).toBe(p);
        total += read.length;
      }
      expect(total).toBe(keys.length);
    });

    test("append: Unicode and the largest allowed record come back byte for byte", async () => {
      const log = s().open(freshTopic());
      const small = 'ünïcödé ✓ 日本語 😀 "quotes" \\ back\nslash\ttab';
      const largest = unicodeOfBytes(s().largestRecordBytes);
      expect(new TextEncoder().encode(largest).byteLength).toBe(s().largestRecordBytes);
      await log.append("clé-ü", [small, largest]);
      const read = await log.read(0, 0);
      expect(read.map((r) => r.key)).toEqual(["clé-ü", "clé-ü"]);
      expect(read[0]?.value).toBe(small);
      expect(read[1]?.value === largest).toBe(true);
    });

    test("append: a refused request is a definite refusal and stores nothing", async () => {
      const topic = freshTopic();
      const refused = s().open(topic, { wrongCredentials: true });
      const error = await refused.append("k", ["never"]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).not.toBeInstanceOf(UpstreamUnknownOutcomeError);

      const log = s().open(topic);
      await s().failNextAppend(topic, "refuse");
      const failed = await log.append("k", ["never either"]).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(UpstreamError);
      expect(failed).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
      expect(await log.read(0, 0)).toEqual([]);
    });

    test.each(AMBIGUOUS_STATUSES)(
      "append: a %i answered after the records were stored is an unknown outcome, and the records are in the log",
      async (status) => {
        const topic = freshTopic();
        const log = s().open(topic);
        // A first append readies the engine's side (a script loaded, a topic created), so the fault meets the write.
        await log.append("k", ["before"]);
        await s().failNextAppend(topic, { storedThen: status });
        const error = await log.append("k", ["stored"]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UpstreamUnknownOutcomeError);
        expect((error as UpstreamError).status).toBe(status);
        expect(values(await log.read(0, 0))).toEqual(["before", "stored"]);
        expect(await log.head(0)).toBe(2);
      },
    );

    test("append: a 2xx whose body is not the acknowledgement is an unknown outcome, and the records are in the log", async () => {
      const topic = freshTopic();
      const log = s().open(topic);
      await log.append("k", ["before"]);
      await s().failNextAppend(topic, { storedThen: 200 });
      const error = await log.append("k", ["stored"]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamUnknownOutcomeError);
      expect(values(await log.read(0, 0))).toEqual(["before", "stored"]);
    });

    test.each(REFUSAL_STATUSES)(
      "append: a %i answered before anything was stored is a definite refusal",
      async (status) => {
        const topic = freshTopic();
        const log = s().open(topic);
        await log.append("k", ["before"]);
        await s().failNextAppend(topic, { refusedWith: status });
        const error = await log.append("k", ["refused"]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
        expect((error as UpstreamError).status).toBe(status);
        expect(values(await log.read(0, 0))).toEqual(["before"]);
        expect(await log.head(0)).toBe(1);
      },
    );

    test("append: no answer within the time limit is an unknown outcome (timeout)", async () => {
      const topic = freshTopic();
      const log = s().open(topic, { timeoutMs: 300 });
      await s().failNextAppend(topic, "timeout");
      try {
        const error = await log.append("k", ["maybe"]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UpstreamTimeoutError);
        expect(error).toBeInstanceOf(UpstreamUnknownOutcomeError);
      } finally {
        await s().clearFaults();
      }
    });

    test("append: a dropped connection is an unknown outcome", async () => {
      const topic = freshTopic();
      const log = s().open(topic, { timeoutMs: 5000 });
      await s().failNextAppend(topic, "drop");
      const error = await log.append("k", ["maybe"]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamUnknownOutcomeError);
      expect(error).not.toBeInstanceOf(UpstreamTimeoutError);
    });

    /** A log of five records on a fresh topic, with `lost` deleted; undefined when the engine cannot delete. */
    async function withLost(lost: readonly number[]): Promise<EventLog | undefined> {
      const lose = s().loseRecords;
      if (lose === undefined) return undefined;
      const topic = freshTopic();
      const log = s().open(topic);
      await log.append("k", ["r0", "r1", "r2", "r3", "r4"]);
      await lose.call(s(), topic, 0, lost);
      return log;
    }

    test("read: a record deleted in the middle fails every read across it, never skipped", async (ctx) => {
      const log = await withLost([2]);
      if (log === undefined) return ctx.skip("the engine cannot delete records");
      await expect(log.read(0, 0)).rejects.toBeInstanceOf(UpstreamError);
      await expect(log.read(0, 1, { limit: 3 })).rejects.toBeInstanceOf(UpstreamError);
      await expect(log.read(0, 2)).rejects.toBeInstanceOf(UpstreamError);
      expect(values(await log.read(0, 0, { limit: 2 }))).toEqual(["r0", "r1"]);
      expect(values(await log.read(0, 3))).toEqual(["r3", "r4"]);
    });

    test("read: the oldest records trimmed fail a read from below them; the offsets go on", async (ctx) => {
      const log = await withLost([0, 1, 2]);
      if (log === undefined) return ctx.skip("the engine cannot delete records");
      await expect(log.read(0, 0)).rejects.toBeInstanceOf(UpstreamError);
      expect(offsets(await log.read(0, 3))).toEqual([3, 4]);
      expect(await log.head(0)).toBe(5);
      expect(offsets(await log.append("k", ["r5"]))).toEqual([5]);
    });

    test("read: every record deleted is a gap, not the end of the log, and no offset is given again", async (ctx) => {
      const log = await withLost([0, 1, 2, 3, 4]);
      if (log === undefined) return ctx.skip("the engine cannot delete records");
      await expect(log.read(0, 0)).rejects.toBeInstanceOf(UpstreamError);
      await expect(log.read(0, 4)).rejects.toBeInstanceOf(UpstreamError);
      expect(await log.read(0, 5)).toEqual([]);
      expect(await log.head(0)).toBe(5);
      expect(offsets(await log.append("k", ["r5"]))).toEqual([5]);
      await expect(log.read(0, 0)).rejects.toBeInstanceOf(UpstreamError);
      expect(values(await log.read(0, 5))).toEqual(["r5"]);
    });

    test("append: acknowledged records survive kill -9 of the engine's process", async (ctx) => {
      const crash = s().crash;
      if (crash === undefined) return ctx.skip("the engine has no process of its own");
      const log = s().open(freshTopic(), { partitions: 2 });
      const acknowledged: LogRecord[] = [];
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          acknowledged.push(...(await log.append(`key-${i % 5}`, [`durable-${i}`, `durable-${i}-b`])));
        }),
      );
      await crash.call(s());
      for (let p = 0; p < 2; p++) {
        const mine = acknowledged.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset);
        const read = await log.read(p, 0, { limit: 1000 });
        expect(read.map((r) => [r.offset, r.key, r.value])).toEqual(
          mine.map((r) => [r.offset, r.key, r.value]),
        );
        const head = await log.head(p);
        expect(head).toBe(mine.length);
        const [next] = await log.append(acknowledged.find((r) => r.partition === p)?.key ?? "x", ["after"]);
        expect(next?.offset).toBe(head);
      }
    });
  });
}
