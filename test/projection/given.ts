/**
 * Given/when/then for the fold: `given(...records).whenFolded().then(view)`. The records are a log's, in order;
 * `whenFolded` folds every partition with the pure fold into a fold sink (by default the in-process one) until
 * it reaches the end of the log or a stop, and `then` reads everything back through the read model and compares
 * it with the expected view (only the parts given).
 */
import { expect } from "vitest";
import { encodeEvent, type Task, type TaskEvent } from "../../shared/domain";
import { type LogRecord, partitionOf } from "../../shared/event-log/port";
import { DEFAULT_BATCH_BYTES, decodeRecords, foldBatch, taskIdsOf } from "../../shared/projection/fold";
import type { FoldSink } from "../../shared/projection/fold-sink";
import type { ReadModel } from "../../shared/projection/read-model";
import { envelope, minutesAfterNow, uuid } from "../domain/fixtures";
import { createMemoryProjection } from "../support/memory-projection";

/** One record of the log: a task's event (numbered in turn per task), or a raw value that is not one. */
export type Entry =
  | { taskId: string; event: TaskEvent; version?: number; schemaVersion?: number }
  | { raw: string; partition: number };

/** `event` of `taskId`, its version the next of that task's (or `version`). */
export function on(taskId: string, event: TaskEvent, version?: number): Entry {
  return { taskId, event, ...(version !== undefined && { version }) };
}

/** An event of `taskId` that only a newer projector can read (a schema version from the future). */
export function fromTheFuture(taskId: string, event: TaskEvent): Entry {
  return { taskId, event, schemaVersion: 99 };
}

/** A record whose value is not an event at all. */
export function garbage(raw: string, partition = 0): Entry {
  return { raw, partition };
}

/** What the read model shows after the fold; `then` compares only the parts it is given. */
export interface View {
  /** The default list's active tasks in creation order (then `lists` for named ones). */
  tasks: Array<Partial<Task>>;
  lists: Record<string, Array<Partial<Task>>>;
  /** Per task asked about (see `then`'s `historyOf`), `type@version` of each entry. */
  history: Record<string, string[]>;
  status: Record<string, "active" | "deleted" | "absent">;
  checkpoints: Record<number, number>;
  counters: { applied: number; rejected: number; dead: number };
  folds: { applied: number; lost: number };
  deadLetters: Array<{ partition: number; offset: number; reason?: unknown }>;
  rejected: Array<{ partition: number; offset: number; type?: string; reason?: unknown }>;
  stops: Record<number, { offset: number; reason?: unknown }>;
}

export interface FoldOptions {
  partitions?: number;
  batchBytes?: number;
  /** Records read per batch (as the catch-up's batch size). */
  batchSize?: number;
  /** Where to fold and read (default: a fresh in-process projection). */
  into?: { sink: FoldSink; readModel: ReadModel };
}

/** The records of `entries` on a log of `partitions` partitions: offsets in turn per partition. */
export function recordsOf(entries: readonly Entry[], partitions: number): LogRecord[] {
  const versions = new Map<string, number>();
  const next = new Map<number, number>();
  return entries.map((entry, i) => {
    const partition = "raw" in entry ? entry.partition : partitionOf(entry.taskId, partitions);
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    if ("raw" in entry) return { partition, offset, key: "", timestamp: i, value: entry.raw };
    const version = entry.version ?? (versions.get(entry.taskId) ?? 0) + 1;
    versions.set(entry.taskId, version);
    const event = envelope(entry.event, {
      taskId: entry.taskId,
      version,
      occurredAt: minutesAfterNow(i),
      eventId: uuid(5000 + i),
    });
    const value = encodeEvent(event);
    const shown =
      entry.schemaVersion === undefined
        ? value
        : value.replace(/"schemaVersion":\d+/, `"schemaVersion":${entry.schemaVersion}`);
    return { partition, offset, key: entry.taskId, timestamp: i, value: shown };
  });
}

/** Folds `records` into `sink`, each partition from its checkpoint to the end of the log or a stop. */
export async function foldAll(
  sink: FoldSink,
  readModel: ReadModel,
  records: readonly LogRecord[],
  options: { partitions: number; batchBytes: number; batchSize: number },
): Promise<void> {
  for (let partition = 0; partition < options.partitions; partition++) {
    const log = records.filter((r) => r.partition === partition);
    for (;;) {
      const from = await readModel.checkpoint(partition);
      const items = decodeRecords(log.slice(from, from + options.batchSize), options.partitions);
      if (items.length === 0) break;
      const states = await sink.states(taskIdsOf(items));
      const batch = foldBatch(partition, from, items, states, options.batchBytes);
      const outcome = await sink.applyBatch(
        batch,
        options.partitions,
        new Date(Date.parse(minutesAfterNow(0))),
      );
      if (outcome.kind !== "applied") throw new Error(`given: the fold was not applied: ${outcome.kind}`);
      if (batch.stop) break;
    }
  }
}

/** Reads the whole view back through the read model. */
export async function viewOf(readModel: ReadModel, historyOf: readonly string[]): Promise<View> {
  const [page, checkpoints, counters, problems, stops] = await Promise.all([
    readModel.list(0, 1000),
    readModel.checkpoints(),
    readModel.counters(),
    readModel.problems(1000),
    readModel.stops(),
  ]);
  const history: Record<string, string[]> = {};
  const status: View["status"] = {};
  const lists: View["lists"] = {};
  for (const id of historyOf) {
    history[id] = (await readModel.history(id)).map((e) => `${e.type}@${e.version}`);
    status[id] = (await readModel.task(id)).status;
  }
  for (const listId of ["kitchen", "garden"]) {
    const named = await readModel.list(0, 1000, listId);
    if (named.total > 0) lists[listId] = named.tasks;
  }
  return {
    tasks: page.tasks,
    lists,
    history,
    status,
    checkpoints: Object.fromEntries(checkpoints),
    counters: { applied: counters.applied, rejected: counters.rejected, dead: counters.dead },
    folds: counters.folds,
    deadLetters: problems.dead,
    rejected: problems.rejected,
    stops: Object.fromEntries(stops),
  };
}

export function given(...entries: Entry[]) {
  return {
    whenFolded(options: FoldOptions = {}) {
      const partitions = options.partitions ?? 1;
      const into = options.into ?? createMemoryProjection();
      const folded = foldAll(into.sink, into.readModel, recordsOf(entries, partitions), {
        partitions,
        batchBytes: options.batchBytes ?? DEFAULT_BATCH_BYTES,
        batchSize: options.batchSize ?? 100,
      });
      const taskIds = [...new Set(entries.flatMap((e) => ("taskId" in e ? [e.taskId] : [])))];
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then is the spec idiom; this object is never awaited.
        async then(expected: Partial<View>): Promise<void> {
          await folded;
          expect(await viewOf(into.readModel, taskIds)).toMatchObject(expected);
        },
      };
    },
  };
}
