/**
 * The projection ports' contract: what every set of adapters (shared/projection/read-model.ts, fold-sink.ts,
 * fold-lease.ts, shared/write-guard/) must do. A test file calls `projectionContract` with a subject that opens a
 * fresh projection; run against the in-process adapters and the Redis ones, it shows that they agree.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { TaskState } from "../../shared/domain";
import { UpstreamError } from "../../shared/errors";
import type { LogRecord } from "../../shared/event-log/port";
import { emptyBatch, type FoldBatch } from "../../shared/projection/fold";
import type { FoldLease } from "../../shared/projection/fold-lease";
import { type FoldSink, PROBLEMS_KEPT } from "../../shared/projection/fold-sink";
import type { ReadModel } from "../../shared/projection/read-model";
import type { IdempotencyStore, PendingClaim } from "../../shared/write-guard/idempotency";
import type { WriteGuard } from "../../shared/write-guard/port";
import {
  completed,
  created,
  deleted,
  OTHER_TASK_ID,
  purgedRecord,
  renamed,
  TASK_ID,
  uuid,
} from "../domain/fixtures";
import { type Entry, foldAll, fromTheFuture, garbage, on, recordsOf, viewOf } from "./given";

export interface ProjectionAdapters {
  readModel: ReadModel;
  sink: FoldSink;
  lease: FoldLease;
  guard: WriteGuard;
  idempotency: IdempotencyStore;
}

export interface ProjectionSubject {
  /** The adapters of a fresh, empty projection (nothing shared with any other opened). */
  open(): ProjectionAdapters;
}

const THIRD_TASK_ID = uuid(3, "7a5c0f3e");

/** A log touching every kind of write: creates on both lists, a rename, a delete, a rejection, poison, a stop. */
const LOG: Entry[] = [
  on(TASK_ID, created("Buy milk")),
  on(OTHER_TASK_ID, { type: "TaskCreated", data: { text: "Wash up", listId: "kitchen" } }),
  garbage("not an event"),
  on(TASK_ID, renamed("Buy oat milk")),
  on(THIRD_TASK_ID, created("Call mum")),
  on(TASK_ID, completed),
  on(OTHER_TASK_ID, deleted),
  on(OTHER_TASK_ID, renamed("too late")),
  fromTheFuture(THIRD_TASK_ID, completed),
  on(TASK_ID, deleted),
];

/** A batch of `partition` from `from` to `to` with what a case gives it, and nothing else. */
function batchOf(partition: number, from: number, to: number, extra: Partial<FoldBatch> = {}): FoldBatch {
  return { ...emptyBatch(partition, from), to, ...extra };
}

const active = (id: string, version: number): TaskState => ({
  status: "active",
  task: { id, text: `v${version}`, done: false, createdAt: "t", updatedAt: "t", version },
});

export function projectionContract(name: string, subject: () => ProjectionSubject): void {
  describe(`${name}: purged lists`, () => {
    test("applyBatch: a ListPurged removes every task the list ever had (deleted ones too), its history and index; a task of it folded later goes too", async () => {
      const { sink, readModel } = subject().open();
      const options = { partitions: 1, batchBytes: 1_000_000, batchSize: 2 };
      const before = recordsOf(
        [
          on(TASK_ID, { type: "TaskCreated", data: { text: "sealed words", listId: "kitchen" } }),
          on(OTHER_TASK_ID, { type: "TaskCreated", data: { text: "gone too", listId: "kitchen" } }),
          on(OTHER_TASK_ID, deleted),
          on(THIRD_TASK_ID, { type: "TaskCreated", data: { text: "stays", listId: "garden" } }),
        ],
        1,
      );
      await foldAll(sink, readModel, [...before, purgedRecord("kitchen", 4)], options);
      const late = uuid(4, "5b1e2d3c");
      const after = recordsOf(
        [
          ...[1, 2, 3, 4, 5].map(() => garbage("padding")),
          on(late, { type: "TaskCreated", data: { text: "folded after the purge", listId: "kitchen" } }),
        ],
        1,
      ).slice(5);
      await foldAll(sink, readModel, [...before, purgedRecord("kitchen", 4), ...after], options);

      for (const id of [TASK_ID, OTHER_TASK_ID, late]) {
        expect((await readModel.task(id)).status).toBe("absent");
        expect(await readModel.history(id)).toEqual([]);
      }
      expect(await readModel.listSize("kitchen")).toBe(0);
      expect((await readModel.list(0, 10, "kitchen")).tasks).toEqual([]);
      expect((await readModel.task(THIRD_TASK_ID)).status).toBe("active");
      expect(await readModel.listSize("garden")).toBe(1);
      expect(await readModel.stops()).toEqual(new Map());
      expect(await readModel.checkpoint(0)).toBe(6);
    });
  });

  describe(`${name}: fold sink and read model`, () => {
    test("applyBatch: a folded log reads back the same through the read model, batch by batch or at once", async () => {
      const expected = {
        tasks: [
          { id: TASK_ID, text: "Buy oat milk", done: true, version: 3 },
          { id: THIRD_TASK_ID, text: "Call mum", done: false, version: 1 },
        ],
        lists: {},
        history: {
          [TASK_ID]: ["TaskCreated@1", "TaskRenamed@2", "TaskCompleted@3"],
          [OTHER_TASK_ID]: ["TaskCreated@1", "TaskDeleted@2"],
          [THIRD_TASK_ID]: ["TaskCreated@1"],
        },
        status: { [TASK_ID]: "active", [OTHER_TASK_ID]: "deleted", [THIRD_TASK_ID]: "active" },
        checkpoints: { 0: 8 },
        counters: { applied: 6, rejected: 1, dead: 1 },
        deadLetters: [
          { partition: 0, offset: 2, reason: expect.any(String), value: "not an event", loggedAt: 2 },
        ],
        rejected: [
          {
            partition: 0,
            offset: 7,
            eventId: uuid(5007),
            type: "TaskRenamed",
            taskId: OTHER_TASK_ID,
            reason: expect.any(String),
          },
        ],
        stops: {
          0: { offset: 8, reason: expect.stringContaining("from the future"), since: expect.any(String) },
        },
      };
      const ids = [TASK_ID, OTHER_TASK_ID, THIRD_TASK_ID];
      for (const batchSize of [100, 1]) {
        const { sink, readModel } = subject().open();
        await foldAll(sink, readModel, recordsOf(LOG, 1), {
          partitions: 1,
          batchBytes: 1_000_000,
          batchSize,
        });
        const view = await viewOf(readModel, ids);
        expect(view).toMatchObject(expected);
        expect(view.tasks).toHaveLength(2);
      }
    });

    test("list: pages of the default list in creation order, with the total and the checkpoints", async () => {
      const { sink, readModel } = subject().open();
      const ids = [uuid(11), uuid(12), uuid(13)];
      await sink.applyBatch(
        batchOf(0, 0, 3, {
          states: ids.map((id) => [id, active(id, 1)]),
          expected: ids.map((id) => [id, 0]),
          // Two share a score: a sorted set orders them by id.
          orderAdd: [
            [20, ids[2] ?? ""],
            [10, ids[1] ?? ""],
            [10, ids[0] ?? ""],
          ],
        }),
        2,
      );

      const page = await readModel.list(1, 5);

      expect(page.tasks.map((t) => t.id)).toEqual([ids[1], ids[2]]);
      expect(page.total).toBe(3);
      expect([...page.checkpoints]).toEqual([[0, 3]]);
      expect((await readModel.list(0, 1, "nowhere")).total).toBe(0);
    });

    test("listAfter: pages by cursor in creation order (ties by id), the same after a delete before the cursor", async () => {
      const { sink, readModel } = subject().open();
      const ids = [uuid(21), uuid(22), uuid(23), uuid(24), uuid(25)];
      const id = (i: number) => ids[i] ?? "";
      await sink.applyBatch(
        batchOf(0, 0, 5, {
          states: ids.map((t) => [t, active(t, 1)]),
          expected: ids.map((t) => [t, 0]),
          // 1 and 2 share a score: a sorted set orders them by id.
          listAdd: [
            ["home", 10, id(0)],
            ["home", 20, id(2)],
            ["home", 20, id(1)],
            ["home", 30, id(3)],
            ["home", 40, id(4)],
          ],
        }),
        1,
      );

      const first = await readModel.listAfter(2, "home");
      expect(first.tasks.map((t) => t.id)).toEqual([id(0), id(1)]);
      expect(first.next).toEqual({ score: 20, id: id(1) });
      expect([...first.checkpoints]).toEqual([[0, 5]]);

      await sink.applyBatch(
        batchOf(0, 5, 6, {
          listRemove: [["home", id(1)]],
          states: [[id(1), { status: "deleted", id: id(1), version: 2, deletedAt: "t" }]],
          expected: [[id(1), 1]],
        }),
        1,
      );

      const second = await readModel.listAfter(2, "home", first.next);
      expect(second.tasks.map((t) => t.id)).toEqual([id(2), id(3)]);
      expect(second.next).toEqual({ score: 30, id: id(3) });
      const last = await readModel.listAfter(2, "home", second.next);
      expect(last.tasks.map((t) => t.id)).toEqual([id(4)]);
      expect(last.next).toBeUndefined();
      expect((await readModel.listAfter(5)).tasks).toEqual([]);
    });

    test("history: a range of a task's events, oldest first", async () => {
      const { sink, readModel } = subject().open();
      await foldAll(sink, readModel, recordsOf(LOG, 1), {
        partitions: 1,
        batchBytes: 1_000_000,
        batchSize: 100,
      });

      const types = async (range?: { offset: number; limit: number }) =>
        (await readModel.history(TASK_ID, range)).map((e) => e.type);
      expect(await types()).toEqual(["TaskCreated", "TaskRenamed", "TaskCompleted"]);
      expect(await types({ offset: 1, limit: 1 })).toEqual(["TaskRenamed"]);
      expect(await types({ offset: 2, limit: 5 })).toEqual(["TaskCompleted"]);
      expect(await types({ offset: 3, limit: 5 })).toEqual([]);
    });

    test("applyBatch: a batch from a checkpoint another fold has moved is not applied, and the loss is counted", async () => {
      const { sink, readModel } = subject().open();
      await sink.applyBatch(batchOf(0, 0, 2), 1);

      const outcome = await sink.applyBatch(
        batchOf(0, 0, 1, { states: [[TASK_ID, active(TASK_ID, 1)]], expected: [[TASK_ID, 0]] }),
        1,
      );

      expect(outcome).toEqual({ kind: "moved", checkpoint: 2 });
      expect((await readModel.task(TASK_ID)).status).toBe("absent");
      expect((await readModel.counters()).folds).toEqual({ applied: 1, lost: 1 });
    });

    test("applyBatch: a batch of another partition count stops the partition and writes nothing else", async () => {
      const { sink, readModel } = subject().open();
      await sink.applyBatch(batchOf(0, 0, 1), 2);

      const outcome = await sink.applyBatch(
        batchOf(1, 0, 1, { states: [[TASK_ID, active(TASK_ID, 1)]], expected: [[TASK_ID, 0]] }),
        3,
      );

      expect(outcome).toEqual({ kind: "mismatch", partitions: 2 });
      expect((await readModel.task(TASK_ID)).status).toBe("absent");
      expect(await readModel.checkpoint(1)).toBe(0);
      expect((await sink.stops()).get(1)).toEqual({
        offset: 0,
        reason: expect.stringContaining("folded with 2 partitions"),
        since: expect.any(String),
      });
    });

    test("applyBatch: a batch folded from a state that has since changed is refused, nothing written", async () => {
      const { sink, readModel } = subject().open();
      await sink.applyBatch(
        batchOf(0, 0, 1, { states: [[TASK_ID, active(TASK_ID, 2)]], expected: [[TASK_ID, 0]] }),
        1,
      );

      const refused = sink.applyBatch(
        batchOf(0, 1, 2, {
          states: [
            [OTHER_TASK_ID, active(OTHER_TASK_ID, 1)],
            [TASK_ID, active(TASK_ID, 2)],
          ],
          expected: [
            [OTHER_TASK_ID, 0],
            [TASK_ID, 1],
          ],
        }),
        1,
      );

      await expect(refused).rejects.toThrow(UpstreamError);
      await expect(refused).rejects.toThrow(`task ${TASK_ID} is at version 2`);
      // Typed, with the task: the catch-up folds again a batch that took a task as new wrongly.
      await expect(refused).rejects.toMatchObject({
        name: "StaleBatchError",
        taskId: TASK_ID,
        storedVersion: 2,
      });
      expect(await readModel.checkpoint(0)).toBe(1);
      expect((await readModel.task(OTHER_TASK_ID)).status).toBe("absent");
      expect((await sink.states([TASK_ID, OTHER_TASK_ID])).get(TASK_ID)).toEqual(active(TASK_ID, 2));
    });

    test("applyBatch: a batch of more than a thousand tasks has each one's version checked, past the first thousand too", async () => {
      const { sink, readModel } = subject().open();
      const ids = Array.from({ length: 1500 }, () => randomUUID());
      const batch = (from: number, version: number, expectedOf: (i: number) => number) =>
        batchOf(0, from, from + 1, {
          states: ids.map((id): [string, TaskState] => [id, active(id, version)]),
          expected: ids.map((id, i): [string, number] => [id, expectedOf(i)]),
          history: ids.map((id): [string, string] => [id, JSON.stringify({ version })]),
        });
      await sink.applyBatch(
        batch(0, 1, () => 0),
        1,
      );

      // The 1,200th task's state is taken as new, though the first batch gave it version 1.
      const refused = sink.applyBatch(
        batch(1, 2, (i) => (i === 1199 ? 0 : 1)),
        1,
      );

      await expect(refused).rejects.toMatchObject({
        name: "StaleBatchError",
        taskId: ids[1199],
        storedVersion: 1,
      });
      expect(await readModel.checkpoint(0)).toBe(1);
      expect((await sink.states([ids[0] ?? "", ids[1499] ?? ""])).get(ids[1499] ?? "")).toEqual(
        active(ids[1499] ?? "", 1),
      );
      await sink.applyBatch(
        batch(1, 2, () => 1),
        1,
      );
      expect(await readModel.checkpoint(0)).toBe(2);
      expect((await sink.states([ids[1299] ?? ""])).get(ids[1299] ?? "")).toEqual(active(ids[1299] ?? "", 2));
    });

    test("applyBatch: a stop recorded again keeps its time; a batch without one clears it", async () => {
      const { sink, readModel } = subject().open();
      const stop = { offset: 0, reason: "cannot read it yet" };
      await sink.applyBatch(batchOf(0, 0, 0, { stop }), 1, new Date("2025-01-01T00:00:00.000Z"));
      await sink.applyBatch(batchOf(0, 0, 0, { stop }), 1, new Date("2025-01-02T00:00:00.000Z"));

      expect((await readModel.stops()).get(0)).toEqual({ ...stop, since: "2025-01-01T00:00:00.000Z" });

      await sink.applyBatch(batchOf(0, 0, 1), 1);
      expect((await readModel.stops()).size).toBe(0);
    });

    test("applyBatch: only the newest dead letters are kept, all of them counted", async () => {
      const { sink, readModel } = subject().open();
      const letters = Array.from({ length: PROBLEMS_KEPT + 5 }, (_, offset) =>
        JSON.stringify({ partition: 0, offset, reason: "bad", value: "x", loggedAt: 0 }),
      );

      await sink.applyBatch(
        batchOf(0, 0, letters.length, {
          deadLetters: letters,
          counts: { applied: 0, rejected: 0, dead: letters.length },
        }),
        1,
      );

      const { dead } = await readModel.problems(PROBLEMS_KEPT + 10);
      expect(dead).toHaveLength(PROBLEMS_KEPT);
      expect(dead[0]?.offset).toBe(5);
      expect((await readModel.problems(2)).dead.map((d) => d.offset)).toEqual([
        PROBLEMS_KEPT + 3,
        PROBLEMS_KEPT + 4,
      ]);
      expect((await readModel.counters()).deadByPartition).toEqual(new Map([[0, PROBLEMS_KEPT + 5]]));
    });
  });

  describe(`${name}: fold lease`, () => {
    test("claim: one fold holds a partition; a poke meanwhile makes its holder read again before it lets go", async () => {
      const { lease, sink } = subject().open();
      await sink.applyBatch(batchOf(0, 0, 4), 1);

      expect(await lease.claim(0, "a", 60_000)).toEqual({ claimed: true, checkpoint: 4 });
      expect(await lease.claim(0, "b", 60_000)).toEqual({ claimed: false });
      expect(await lease.finish(0, "b", 60_000)).toBe("lost");
      expect(await lease.finish(0, "a", 60_000)).toBe("more");
      expect(await lease.finish(0, "a", 60_000)).toBe("done");
      expect(await lease.claim(0, "b", 60_000)).toEqual({ claimed: true, checkpoint: 4 });
      await lease.drop(0, "a");
      expect(await lease.claim(0, "c", 60_000)).toEqual({ claimed: false });
      await lease.drop(0, "b");
      expect(await lease.claim(1, "c", 60_000)).toEqual({ claimed: true, checkpoint: 0 });
      expect(await lease.claim(0, "c", 60_000)).toEqual({ claimed: true, checkpoint: 4 });
    });

    test("applyBatch with finish: the batch that reached the log's end ends the fold as finish would, in the same step", async () => {
      const { lease, sink } = subject().open();
      const hold = (token: string) => ({ token, ttlMs: 60_000, finish: true });
      expect(await lease.claim(0, "a", 60_000)).toEqual({ claimed: true, checkpoint: 0 });
      expect(await lease.claim(0, "b", 60_000)).toEqual({ claimed: false });

      // A poke marked more work: the mark is taken and the lease kept.
      expect(await sink.applyBatch(batchOf(0, 0, 1), 1, new Date(), hold("a"))).toEqual({
        kind: "applied",
        checkpoint: 1,
        end: "more",
      });
      expect(await lease.claim(0, "b", 60_000)).toEqual({ claimed: false });
      expect(await sink.applyBatch(batchOf(0, 1, 2), 1, new Date(), hold("a"))).toEqual({
        kind: "applied",
        checkpoint: 2,
        end: "more",
      });
      // No mark since: the lease is let go.
      expect(await sink.applyBatch(batchOf(0, 2, 3), 1, new Date(), hold("a"))).toEqual({
        kind: "applied",
        checkpoint: 3,
        end: "done",
      });
      expect(await lease.claim(0, "b", 60_000)).toEqual({ claimed: true, checkpoint: 3 });
      // A lease that is another fold's is neither renewed nor let go, and the batch still applies (the checkpoint
      // is the fence); one that moved the checkpoint first leaves the lease alone.
      expect(await sink.applyBatch(batchOf(0, 3, 4), 1, new Date(), hold("a"))).toEqual({
        kind: "applied",
        checkpoint: 4,
        end: "lost",
      });
      expect(await sink.applyBatch(batchOf(0, 3, 5), 1, new Date(), hold("b"))).toEqual({
        kind: "moved",
        checkpoint: 4,
      });
      expect(await lease.finish(0, "b", 60_000)).toBe("done");
    });
  });

  describe(`${name}: write guard`, () => {
    test("reserve: one writer reserves a version; another deciding on the same one is refused; a retry succeeds", async () => {
      const { guard } = subject().open();
      const first = await guard.reserve(TASK_ID, 0, 1, 60_000, "n1");

      expect(first).toEqual({ ok: true, projected: 0, reserved: 0, token: "1:n1" });
      expect(await guard.reserve(TASK_ID, 0, 1, 60_000, "n2")).toEqual({
        ok: false,
        projected: 0,
        reserved: 1,
        token: "1:n2",
      });
      expect(await guard.reserve(TASK_ID, 0, 1, 60_000, "n1")).toMatchObject({ ok: true });
      expect(await guard.readForWrite(TASK_ID, 0)).toEqual({
        state: { status: "absent" },
        reserved: 1,
        lastReserved: 1,
        checkpoint: 0,
      });
    });

    test("commit: an acknowledged write replaces its reservation, and the next writer decides on it", async () => {
      const { guard } = subject().open();
      const { token } = await guard.reserve(TASK_ID, 0, 2, 60_000, "n1");

      expect(await guard.commit(TASK_ID, "2:other", active(TASK_ID, 2))).toBe(false);
      expect(await guard.commit(TASK_ID, token, active(TASK_ID, 2))).toBe(true);

      expect(await guard.readForWrite(TASK_ID, 0)).toEqual({
        state: { status: "absent" },
        reserved: 0,
        lastReserved: 2,
        committed: { version: 2, state: active(TASK_ID, 2) },
        checkpoint: 0,
      });
      expect(await guard.reserve(TASK_ID, 0, 3, 60_000, "n2")).toMatchObject({ ok: false, projected: 2 });
      expect(await guard.reserve(TASK_ID, 2, 3, 60_000, "n2")).toMatchObject({ ok: true, projected: 2 });
    });

    test("commit: a create's write is recorded only if none is recorded for the task yet", async () => {
      const { guard } = subject().open();

      expect(await guard.commit(TASK_ID, "1:a", active(TASK_ID, 1), true)).toBe(true);
      expect(await guard.commit(TASK_ID, "1:b", active(TASK_ID, 1), true)).toBe(false);
      expect((await guard.readForWrite(TASK_ID, 0)).committed).toEqual({
        version: 1,
        state: active(TASK_ID, 1),
      });
    });

    test("release: drops a reservation and its memory only for the writer that holds it", async () => {
      const { guard } = subject().open();
      const { token } = await guard.reserve(TASK_ID, 0, 1, 60_000, "n1");

      await guard.release(TASK_ID, "1:other");
      expect(await guard.readForWrite(TASK_ID, 0)).toMatchObject({ reserved: 1, lastReserved: 1 });
      await guard.release(TASK_ID, token);
      expect(await guard.readForWrite(TASK_ID, 0)).toMatchObject({ reserved: 0, lastReserved: 0 });
    });

    test("reserve: the version it decides on is the projected one once the fold has the task", async () => {
      const { guard, sink } = subject().open();
      await sink.applyBatch(
        batchOf(0, 0, 3, { states: [[TASK_ID, active(TASK_ID, 3)]], expected: [[TASK_ID, 0]] }),
        1,
      );

      expect(await guard.reserve(TASK_ID, 2, 3, 60_000, "n1")).toMatchObject({ ok: false, projected: 3 });
      expect(await guard.reserve(TASK_ID, 3, 4, 60_000, "n1")).toMatchObject({ ok: true, projected: 3 });
      expect(await guard.readForWrite(TASK_ID, 0)).toMatchObject({
        state: active(TASK_ID, 3),
        checkpoint: 3,
      });
    });
  });

  describe(`${name}: idempotency`, () => {
    const claim = (nonce: string): PendingClaim => ({
      state: "pending",
      fingerprint: "f",
      nonce,
      until: 1_000,
      taskId: TASK_ID,
    });

    test("claim: the first request claims a key; another finds its claim, then its result once completed", async () => {
      const { idempotency } = subject().open();
      const key = `key-${randomUUID()}`;
      const mine = await idempotency.claim(key, claim("a"));

      expect(mine).toEqual({ claimed: true, token: JSON.stringify(claim("a")) });
      expect(await idempotency.claim(key, claim("a"))).toMatchObject({ claimed: true });
      const theirs = await idempotency.claim(key, claim("b"));
      expect(theirs).toEqual({
        claimed: false,
        stored: { ...claim("a"), raw: JSON.stringify(claim("a")) },
      });
      await idempotency.complete(key, "f", { id: TASK_ID });
      expect(await idempotency.claim(key, claim("b"))).toEqual({
        claimed: false,
        stored: { state: "done", fingerprint: "f", result: { id: TASK_ID } },
      });
    });

    test("claim: a stale claim is taken over by naming it; abandon frees only the caller's own", async () => {
      const { idempotency } = subject().open();
      const key = `key-${randomUUID()}`;
      await idempotency.claim(key, claim("a"));

      expect(await idempotency.claim(key, claim("b"), JSON.stringify(claim("a")))).toMatchObject({
        claimed: true,
      });
      await idempotency.abandon(key, JSON.stringify(claim("a")));
      expect(await idempotency.claim(key, claim("c"))).toMatchObject({ claimed: false });
      await idempotency.abandon(key, JSON.stringify(claim("b")));
      expect(await idempotency.claim(key, claim("c"))).toMatchObject({ claimed: true });
    });
  });
}
