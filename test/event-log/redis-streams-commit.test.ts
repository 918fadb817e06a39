/**
 * The Redis Streams append that runs another adapter's step in its own call (`appendWith`), with the write guard's
 * commit as that step (`commitStep`), over the Redis REST emulator and a real redis-server: the commit follows the
 * guard's rules (a create only when nothing is committed, an update only while its reservation is held), it is
 * recorded only when the records are, and nothing about the guard's keys can fail an append once its records are
 * written.
 */
import { describe, expect, it } from "vitest";
import type { TaskState } from "../../shared/domain";
import { UpstreamError } from "../../shared/errors";
import type { LogRecord, StepAppend } from "../../shared/event-log/port";
import { createRedisStreamsEventLog, nextOffsetKey } from "../../shared/event-log/redis-streams/event-log";
import { connectRedis } from "../../shared/redis/client";
import { reservationToken, type WriteGuard } from "../../shared/write-guard/port";
import { createRedisWriteGuard } from "../../shared/write-guard/redis/write-guard";
import { uuid } from "../domain/fixtures";
import { useRedisRest } from "./redis-rest-fixture";

const TOKEN = "streams-commit-token";
const PREFIX = "commit-test";
const { url, command } = useRedisRest(TOKEN, "streams-commit");
let topics = 0;
let tasks = 0;

/** A fresh topic's log and the write guard of the same database. */
function subject() {
  const topic = `commits-${++topics}`;
  const log = createRedisStreamsEventLog({ url: url(), token: TOKEN, topic, partitions: 1 });
  const client = connectRedis({ url: url(), token: TOKEN, timeoutMs: 5000 });
  const guard = createRedisWriteGuard(client, { namespace: PREFIX, guards: PREFIX });
  const { appendWith } = log;
  if (!appendWith) throw new Error("the Redis Streams log has no appendWith");
  return {
    topic,
    log,
    guard,
    appendWith: appendWith.bind(log),
    taskId: uuid(++tasks, "c0ffee00"),
  };
}

function written(answer: StepAppend): { records: LogRecord[]; step: number } {
  if ("refused" in answer) throw new Error(`the append was refused: ${JSON.stringify(answer.refused)}`);
  return answer;
}

const active = (taskId: string, version: number, text: string): TaskState => ({
  status: "active",
  task: {
    id: taskId,
    text,
    done: false,
    version,
    createdAt: "2026-12-07T00:00:00.000Z",
    updatedAt: "2026-12-07T00:00:00.000Z",
  },
});

async function committedVersion(guard: WriteGuard, taskId: string): Promise<number | undefined> {
  return (await guard.readForWrite(taskId, 0)).committed?.version;
}

describe("an append that records its commit", () => {
  it("a create: appended and committed in one call; a second create of the id appends but does not replace the commit", async () => {
    const { guard, appendWith, taskId, log } = subject();
    const commit = guard.commitStep?.(taskId, reservationToken(1, "n1"), active(taskId, 1, "first"), true);
    if (!commit) throw new Error("the Redis write guard has no commitStep");
    const first = written(await appendWith(taskId, ["a", "b"], commit));
    expect(first.step).toBe(1);
    expect(first.records.map((r) => r.offset)).toEqual([0, 1]);
    const view = await guard.readForWrite(taskId, 0);
    expect(view.committed?.state).toEqual(active(taskId, 1, "first"));

    const again = guard.commitStep?.(taskId, reservationToken(1, "n2"), active(taskId, 1, "second"), true);
    if (!again) throw new Error("no commitStep");
    const second = await appendWith(taskId, ["c"], again);
    expect(second).toMatchObject({ step: 0, records: [{ offset: 2, value: "c" }] });
    expect((await guard.readForWrite(taskId, 0)).committed?.state).toEqual(active(taskId, 1, "first"));
    expect((await log.read(0, 0)).map((r) => r.value)).toEqual(["a", "b", "c"]);
  });

  it("an update: committed while its reservation is held, which the commit then replaces; not once another holds it", async () => {
    const { guard, appendWith, taskId } = subject();
    const held = await guard.reserve(taskId, 0, 1, 60_000, "mine");
    expect(held.ok).toBe(true);
    const mine = guard.commitStep?.(taskId, held.token, active(taskId, 1, "mine"));
    if (!mine) throw new Error("no commitStep");
    expect(written(await appendWith(taskId, ["mine"], mine)).step).toBe(1);
    const after = await guard.readForWrite(taskId, 0);
    expect({ reserved: after.reserved, committed: after.committed?.version }).toEqual({
      reserved: 0,
      committed: 1,
    });

    // A writer whose reservation expired and was taken over: its records are in the log, its commit is not.
    const theirs = await guard.reserve(taskId, 1, 2, 60_000, "theirs");
    expect(theirs.ok).toBe(true);
    const late = guard.commitStep?.(taskId, reservationToken(2, "expired"), active(taskId, 2, "late"));
    if (!late) throw new Error("no commitStep");
    const answer = await appendWith(taskId, ["late"], late);
    expect(answer).toMatchObject({ step: 0, records: [{ offset: 1, value: "late" }] });
    expect(await committedVersion(guard, taskId)).toBe(1);
    expect((await guard.readForWrite(taskId, 0)).reserved).toBe(2);
  });

  it("a reservation key of another type: the records are appended and acknowledged, the commit is not recorded", async () => {
    const { guard, appendWith, taskId, log } = subject();
    const commit = guard.commitStep?.(taskId, reservationToken(2, "n"), active(taskId, 2, "text"));
    if (!commit) throw new Error("no commitStep");
    await command(["HSET", commit.keys[1], "not", "a string"]);
    const answer = await appendWith(taskId, ["kept"], commit);
    expect(answer).toMatchObject({ step: 0, records: [{ offset: 0, value: "kept" }] });
    expect((await log.read(0, 0)).map((r) => r.value)).toEqual(["kept"]);
    expect(await command(["EXISTS", commit.keys[0]])).toBe(0);
  });

  it("an append refused before its records: nothing is committed", async () => {
    const { guard, appendWith, taskId, topic, log } = subject();
    await log.append(taskId, ["x", "y"]);
    // The counter moved back by hand: the stream holds entries past it, and the script refuses before any write.
    await command(["SET", nextOffsetKey(topic, 0), "1"]);
    const commit = guard.commitStep?.(taskId, reservationToken(1, "n"), active(taskId, 1, "text"), true);
    if (!commit) throw new Error("no commitStep");
    await expect(appendWith(taskId, ["z"], commit)).rejects.toBeInstanceOf(UpstreamError);
    expect(await command(["EXISTS", commit.keys[0]])).toBe(0);
    expect((await log.read(0, 0)).map((r) => r.value)).toEqual(["x", "y"]);
  });
});

describe("an update's append that checks its task itself (no reservation)", () => {
  it("at the version decided on: appended and committed in one call, with no reservation left", async () => {
    const { guard, appendWith, taskId } = subject();
    const create = guard.commitStep?.(taskId, reservationToken(1, "c"), active(taskId, 1, "made"), true);
    if (!create) throw new Error("no commitStep");
    written(await appendWith(taskId, ["created"], create));
    const step = guard.conditionalStep?.(taskId, 1, reservationToken(2, "u"), active(taskId, 2, "renamed"));
    if (!step) throw new Error("no conditionalStep");
    expect(written(await appendWith(taskId, ["renamed"], step))).toMatchObject({
      step: 1,
      records: [{ offset: 1, value: "renamed" }],
    });
    const view = await guard.readForWrite(taskId, 0);
    expect({ committed: view.committed?.state, reserved: view.reserved, last: view.lastReserved }).toEqual({
      committed: active(taskId, 2, "renamed"),
      reserved: 0,
      last: 0,
    });
  });

  it("refused, with nothing written, when the task moved past the version decided on or another writer holds it", async () => {
    const { guard, appendWith, taskId, log } = subject();
    const create = guard.commitStep?.(taskId, reservationToken(1, "c"), active(taskId, 1, "made"), true);
    if (!create) throw new Error("no commitStep");
    written(await appendWith(taskId, ["created"], create));
    // Decided on version 0: the task is at 1 (committed, not projected).
    const stale = guard.conditionalStep?.(taskId, 0, reservationToken(1, "s"), active(taskId, 1, "stale"));
    if (!stale) throw new Error("no conditionalStep");
    expect(await appendWith(taskId, ["stale"], stale)).toEqual({ refused: [1, 0] });
    // Another writer reserved version 2 (a writer of the earlier code, during a deploy): refused too.
    expect((await guard.reserve(taskId, 1, 2, 60_000, "other")).ok).toBe(true);
    const racing = guard.conditionalStep?.(taskId, 1, reservationToken(2, "r"), active(taskId, 2, "racing"));
    if (!racing) throw new Error("no conditionalStep");
    expect(await appendWith(taskId, ["racing"], racing)).toEqual({ refused: [1, 2] });
    expect((await log.read(0, 0)).map((r) => r.value)).toEqual(["created"]);
    expect((await guard.readForWrite(taskId, 0)).committed?.state).toEqual(active(taskId, 1, "made"));
  });
});
