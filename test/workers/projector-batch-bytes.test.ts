/**
 * The fold's byte budget, driven below the worker: the real fold and the real projection store against the
 * file's Redis REST emulator, which refuses a request over 10 MB as Upstash does. A batch ends before its script
 * call would pass the budget, and a record that alone passes it is dead-lettered.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeEvent, MAX_TEXT_CODE_POINTS, type TaskState } from "../../shared/domain";
import type { LogRecord } from "../../shared/event-log/port";
import { DEFAULT_BATCH_BYTES, decodeRecords, foldBatch } from "../../shared/projection/fold";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { connectRedis } from "../../shared/redis/client";
import { envelopes, newTaskId } from "./support/projector-model";
import { useSystem } from "./support/use-system";

const sys = useSystem();

/**
 * `count` records, each a create whose text is the longest run of quotes the API accepts (its state and history entry
 * each escaped twice on the way: as JSON, then as a string of the request's body).
 */
function quoteRecords(count: number): LogRecord[] {
  return Array.from({ length: count }, (_, offset) => {
    const [created] = envelopes(newTaskId(), [
      { type: "TaskCreated", data: { text: '"'.repeat(MAX_TEXT_CODE_POINTS) } },
    ]);
    if (!created) throw new Error("no envelope");
    return { partition: 0, offset, timestamp: 1, key: created.taskId, value: encodeEvent(created) };
  });
}

describe("fold batch bytes", () => {
  it("applyBatch: 1,400 of the largest valid events (about 12 MB as one call) go to Redis in calls under the budget", async () => {
    const redis = connectRedis({
      url: sys().env.UPSTASH_REDIS_REST_URL ?? "",
      token: sys().env.UPSTASH_REDIS_REST_TOKEN ?? "",
    });
    const prefix = `batch-bytes:${randomUUID()}`;
    const store = createRedisFoldSink(redis, prefix);
    const readModel = createRedisReadModel(redis, prefix);
    const records = quoteRecords(1400);
    const states = new Map<string, TaskState>();
    let from = 0;
    let calls = 0;

    while (from < records.length) {
      const batch = foldBatch(0, from, decodeRecords(records.slice(from), 1), states);
      const outcome = await store.applyBatch(batch, 1);
      expect(outcome).toEqual({ kind: "applied", checkpoint: batch.to });
      from = batch.to;
      calls++;
    }

    expect(calls).toBeGreaterThanOrEqual(10);
    expect(await readModel.counters()).toMatchObject({ applied: 1400, rejected: 0, dead: 0 });
    expect(await readModel.checkpoint(0)).toBe(1400);
  });

  it("applyBatch: no script call of a batch sends more bytes than the fold counted against its budget", async () => {
    const url = sys().env.UPSTASH_REDIS_REST_URL ?? "";
    const redis = connectRedis({ url, token: sys().env.UPSTASH_REDIS_REST_TOKEN ?? "" });
    // The longest prefix a live namespace has (76 characters), so each history key is as long as it gets.
    const prefix = `batch-bytes:${randomUUID()}:g`.padEnd(76, "9");
    const store = createRedisFoldSink(redis, prefix);
    // Texts of every kind the counting tells apart: quotes and backslashes, controls, 2-, 3- and 4-byte UTF-8; half
    // the tasks on a named list of the longest id and deleted, the event that writes the most beside its state.
    const texts = ['say "hi" \\ bye', "tab\tand\u0001", "é ü ß", "∑ 中文", "𝄞 😀", "plain words"];
    const listId = "L".repeat(64);
    const records = Array.from({ length: 300 }, (_, i) => {
      const text = (texts[i % texts.length] ?? "").repeat(1 + (i % 40));
      const created = { type: "TaskCreated" as const, data: i % 2 ? { text, listId } : { text } };
      return envelopes(newTaskId(), [created, { type: "TaskDeleted", data: {} }]);
    })
      .flat()
      .map(
        (e, offset): LogRecord => ({
          partition: 0,
          offset,
          timestamp: 1,
          key: e.taskId,
          value: encodeEvent(e),
        }),
      );
    const budget = 60_000;
    const sent: number[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      // The fold's own script calls (its checkpoint key), not the reads of the named list beside them.
      const body = init?.body;
      if (String(input).startsWith(url) && typeof body === "string" && body.includes(`${prefix}:checkpoint`))
        sent.push(new TextEncoder().encode(body).length);
      return realFetch(input, init);
    };
    try {
      const states = new Map<string, TaskState>();
      for (let from = 0; from < records.length; ) {
        const batch = foldBatch(0, from, decodeRecords(records.slice(from), 1), states, budget);
        expect(await store.applyBatch(batch, 1)).toEqual({ kind: "applied", checkpoint: batch.to });
        from = batch.to;
      }
    } finally {
      globalThis.fetch = realFetch;
    }

    expect(sent.length).toBeGreaterThan(5);
    expect(Math.max(...sent)).toBeLessThanOrEqual(budget);
    // Counted close to what is sent, not far above it: a budget's batches fill most of it.
    expect(Math.min(...sent.slice(0, -1))).toBeGreaterThan(budget * 0.6);
  });

  it("foldBatch: a record whose writes alone pass the budget is dead-lettered with its size, not its content", () => {
    const [record] = quoteRecords(1);
    if (!record) throw new Error("no record");

    const batch = foldBatch(0, 0, decodeRecords([record], 1), new Map(), 5_000);

    expect(batch).toMatchObject({ from: 0, to: 1, states: [], history: [], counts: { applied: 0, dead: 1 } });
    const [deadLetter] = batch.deadLetters.map((d) => JSON.parse(d) as Record<string, unknown>);
    expect(deadLetter).toEqual({
      partition: 0,
      offset: 0,
      reason: expect.stringMatching(
        /^event too large to project: about \d+ bytes encoded, the limit is 5000$/,
      ),
      value: record.value.slice(0, 2048),
      loggedAt: 1,
    });
    expect(DEFAULT_BATCH_BYTES).toBeLessThanOrEqual((10 * 1024 * 1024) / 10);
  });
});
