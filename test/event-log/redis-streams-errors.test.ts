/**
 * What the Redis Streams adapter adds to the contract: how it classifies the REST front end's answers, the
 * script cache it relies on, the sizes it refuses before sending, and the offset counter it keeps beside each
 * stream (trimmed, deleted or hand-added entries, a stream from before the counter, a fold across a trim).
 */
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../shared/domain";
import { UpstreamError, UpstreamUnknownOutcomeError } from "../../shared/errors";
import {
  createRedisStreamsEventLog,
  MAX_RECORD_BYTES,
  nextOffsetKey,
  streamKey,
} from "../../shared/event-log/redis-streams/event-log";
import { created, envelope, uuid } from "../domain/fixtures";
import { given, progress } from "../projector/given";
import { useRedisRest } from "./redis-rest-fixture";

const TOKEN = "streams-errors-token";
const { url, command, restartServer } = useRedisRest(TOKEN, "streams-errors");
let topics = 0;

function open(topic: string) {
  return createRedisStreamsEventLog({ url: url(), token: TOKEN, topic, partitions: 1 });
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
    await restartServer();
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

  it("append: after the stream key is deleted (evicted, expired), the next append takes the next offset, not 0", async () => {
    const topic = `errors-${++topics}`;
    const log = open(topic);
    await log.append("k", ["a", "b"]);
    await command(["DEL", streamKey(topic, 0)]);
    expect(await log.head(0)).toBe(2);
    const [record] = await log.append("k", ["c"]);
    expect(record?.offset).toBe(2);
    expect(await log.head(0)).toBe(3);
    await expect(log.read(0, 0)).rejects.toThrow(
      `redis: XRANGE of ${streamKey(topic, 0)} from offset 0 answered offsets 2 to 2 with 2 missing (offsets 0 to 1): the records must start at the offset asked, one after another`,
    );
    expect((await log.read(0, 2)).map((r) => r.value)).toEqual(["c"]);
  });

  it("read: after XTRIM MAXLEN 2, a read from 0 fails naming the trim instead of starting at offset 3", async () => {
    const topic = `errors-${++topics}`;
    const log = open(topic);
    await log.append("k", ["a", "b", "c", "d", "e"]);
    await command(["XTRIM", streamKey(topic, 0), "MAXLEN", 2]);
    await expect(log.read(0, 0)).rejects.toThrow(
      `redis: XRANGE of ${streamKey(topic, 0)} from offset 0 answered offsets 3 to 4 with 3 missing (offsets 0 to 2): the records must start at the offset asked, one after another (entries were trimmed or deleted by XTRIM, XDEL or eviction; a projection behind them cannot fold past them)`,
    );
    expect((await log.read(0, 3)).map((r) => r.value)).toEqual(["d", "e"]);
  });

  it("read: after XTRIM MAXLEN 0, a read from 0 fails instead of answering the end of the log", async () => {
    const topic = `errors-${++topics}`;
    const log = open(topic);
    await log.append("k", ["a", "b", "c"]);
    await command(["XTRIM", streamKey(topic, 0), "MAXLEN", 0]);
    await expect(log.read(0, 0)).rejects.toThrow(
      `redis: XRANGE of ${streamKey(topic, 0)} from offset 0 answered no records, but the log's end is 3: offsets 0 to 2 are missing`,
    );
    expect(await log.head(0)).toBe(3);
    expect(await log.read(0, 3)).toEqual([]);
  });

  it("read: after the one entry is trimmed, a read from 0 fails naming that one offset", async () => {
    const topic = `errors-${++topics}`;
    const log = open(topic);
    await log.append("k", ["a"]);
    await command(["XTRIM", streamKey(topic, 0), "MAXLEN", 0]);
    await expect(log.read(0, 0)).rejects.toThrow(
      `redis: XRANGE of ${streamKey(topic, 0)} from offset 0 answered no records, but the log's end is 1: offset 0 is missing`,
    );
  });

  it("append: a stream written before its counter existed goes on after its last entry, then keeps the counter", async () => {
    const topic = `errors-${++topics}`;
    for (const id of ["0-1", "1-1", "2-1"]) {
      await command(["XADD", streamKey(topic, 0), id, "k", "old", "v", `v${id}`, "t", "1"]);
    }
    const log = open(topic);
    expect(await log.head(0)).toBe(3);
    const [record] = await log.append("k", ["after the upgrade"]);
    expect(record?.offset).toBe(3);
    expect(await command(["GET", nextOffsetKey(topic, 0)])).toBe("4");
    expect(await log.head(0)).toBe(4);
    expect((await log.read(0, 0)).map((r) => r.offset)).toEqual([0, 1, 2, 3]);
  });

  it("append: a stream holding an entry past its counter (added by hand) refuses the append and writes nothing", async () => {
    const topic = `errors-${++topics}`;
    const log = open(topic);
    await log.append("k", ["a"]);
    await command(["XADD", streamKey(topic, 0), "9-1", "k", "k", "v", "by hand", "t", "1"]);
    const error = await log.append("k", ["b"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).not.toBeInstanceOf(UpstreamUnknownOutcomeError);
    expect((error as Error).message).toMatch(/holds entries past its next offset 1/);
    expect(await command(["XLEN", streamKey(topic, 0)])).toBe(2);
  });

  it.each([
    ["XTRIM MAXLEN 2", ["XTRIM", "MAXLEN", 2], "answered offsets 3 to 4 with 3 missing (offsets 0 to 2):", 0],
    ["XDEL of offset 2", ["XDEL", "2-1"], "answered offsets 0 to 4 with 1 missing (offset 2):", 2],
  ] as const)(
    "catch-up: after %s, a fold from 0 folds what comes before the gap and stops at its first missing offset, not caught up at 5",
    async (_, [verb, ...args], answered, stop) => {
      const topic = `errors-${++topics}`;
      const log = open(topic);
      const tasks = Array.from({ length: 5 }, (_, i) => uuid(i + 1, "0ffce7a1"));
      for (const [i, id] of tasks.entries()) {
        await log.append(id, [encodeEvent(envelope(created(`task ${i}`), { taskId: id, version: 1 }))]);
      }
      await command([verb, streamKey(topic, 0), ...args]);

      const then = await given().whenCatchUp({ log: () => log });

      expect(then.result).toEqual({
        caughtUp: false,
        partitions: [
          progress({
            checkpoint: stop,
            applied: stop,
            stopped: {
              offset: stop,
              reason: expect.stringContaining(`from offset 0 ${answered}`),
              since: expect.any(String),
            },
          }),
        ],
      });
      expect(await then.checkpoints()).toEqual({ 0: stop });
      expect([...(await then.stops()).keys()]).toEqual([0]);
    },
  );
});
