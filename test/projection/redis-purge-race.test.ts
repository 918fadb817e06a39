/**
 * A purge against a fold of another partition, on the Redis fold sink over a real redis-server: the batch that
 * purges a list reads the list's tasks (its index and its set of deleted tasks) before its script, and another
 * partition's batch may give the list a task in between. The script must see that the list's tasks changed and
 * refuse, so that the sink reads them again and removes that task too: a purge leaves nothing of the list behind.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { type LogRecord, partitionOf } from "../../shared/event-log/port";
import { decodeRecords, foldBatch, taskIdsOf } from "../../shared/projection/fold";
import type { FoldSink } from "../../shared/projection/fold-sink";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { connectRedis, type RedisClient } from "../../shared/redis/client";
import { deleted, purgedRecord, uuid } from "../domain/fixtures";
import { useLocalRedis } from "../emulators/support/redis-fixture";
import { foldAll, on, recordsOf } from "./given";

const TOKEN = "purge-race-token";
const local = useLocalRedis({ name: "purge-race", token: TOKEN });

const PARTITIONS = 2;
const LIST = "kitchen";
const options = { partitions: PARTITIONS, batchBytes: 1_000_000, batchSize: 50 };

/** A task id on `partition` of the log. */
function taskOn(partition: number, from: number): string {
  for (let n = from; ; n++) {
    const id = uuid(n, "5b1e2d3c");
    if (partitionOf(id, PARTITIONS) === partition) return id;
  }
}

/** Folds `records` of one partition, from its start, as one batch, into `sink`. */
async function foldOne(sink: FoldSink, records: LogRecord[]): Promise<string> {
  const items = decodeRecords(records, PARTITIONS);
  const first = records[0];
  if (!first) throw new Error("no records");
  const batch = foldBatch(first.partition, first.offset, items, await sink.states(taskIdsOf(items)));
  return (await sink.applyBatch(batch, PARTITIONS)).kind;
}

test("a purge whose list is given a task by another partition between its read and its script reads again and removes that task too", async () => {
  const plain = connectRedis({ url: local.stack.rest.url, token: TOKEN });
  const prefix = `purge-race:${randomUUID()}`;
  const readModel = createRedisReadModel(plain, prefix);
  const listPartition = partitionOf(LIST, PARTITIONS);
  const other = 1 - listPartition;
  const [kept, gone, late] = [taskOn(listPartition, 1), taskOn(other, 100), taskOn(other, 200)];

  // The list has a task and a deleted one.
  const before = recordsOf(
    [
      on(kept, { type: "TaskCreated", data: { text: "kept until the purge", listId: LIST } }),
      on(gone, { type: "TaskCreated", data: { text: "deleted before it", listId: LIST } }),
      on(gone, deleted),
    ],
    PARTITIONS,
  );
  await foldAll(createRedisFoldSink(plain, prefix), readModel, before, options);

  const purge = purgedRecord(LIST, before.filter((r) => r.partition === listPartition).length, listPartition);
  const [created] = recordsOf(
    [on(late, { type: "TaskCreated", data: { text: "created on the other partition", listId: LIST } })],
    PARTITIONS,
  );
  if (!created) throw new Error("no record");
  const lateRecord = { ...created, offset: before.filter((r) => r.partition === other).length };

  // The purging sink: right after it first reads the list's tasks, the other partition's batch gives it one.
  let reads = 0;
  const racing: RedisClient = {
    ...plain,
    async call(what, fn) {
      const answer = await plain.call(what, fn);
      if (what === "read list tasks" && ++reads === 1) {
        expect(await foldOne(createRedisFoldSink(plain, prefix), [lateRecord])).toBe("applied");
      }
      return answer;
    },
  };
  expect(await foldOne(createRedisFoldSink(racing, prefix), [purge])).toBe("applied");

  expect(reads).toBe(2);
  for (const id of [kept, gone, late]) {
    expect([id, (await readModel.task(id)).status]).toEqual([id, "absent"]);
    expect(await readModel.history(id)).toEqual([]);
  }
  expect(await readModel.listSize(LIST)).toBe(0);
});
