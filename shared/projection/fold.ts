/**
 * The fold, pure: turns a batch of log records and the states they touch into one FoldBatch of writes.
 * Total: an undecodable record becomes a dead letter, an event that no longer applies is recorded as rejected;
 * neither stops the partition, and neither changes any task.
 */
import { applyEvent, decodeEvent, type EventEnvelope, type TaskState } from "../domain";
import { type LogRecord, partitionOf } from "../event-log/port";
import type { FoldBatch } from "./store";

export interface DecodedRecord {
  record: LogRecord;
  event?: EventEnvelope;
  /** Why the record is poison, when it is. */
  poison?: string;
}

/** Largest part of a poison record's value kept in the dead-letter list. */
const DEAD_LETTER_VALUE_CHARS = 2048;

/** Decodes records; an event filed under the wrong partition is poison too (its task's order lives elsewhere). */
export function decodeRecords(records: LogRecord[], partitions: number): DecodedRecord[] {
  return records.map((record) => {
    const decoded = decodeEvent(record.value);
    if (!decoded.ok) return { record, poison: decoded.reason };
    const expected = partitionOf(decoded.event.taskId, partitions);
    if (expected !== record.partition) {
      return {
        record,
        poison: `task ${decoded.event.taskId} belongs to partition ${expected}, not ${record.partition}`,
      };
    }
    return { record, event: decoded.event };
  });
}

/** Ids of the tasks a batch touches, for the state read before folding. */
export function taskIdsOf(items: DecodedRecord[]): string[] {
  return [...new Set(items.flatMap((i) => (i.event ? [i.event.taskId] : [])))];
}

/** Creation order across partitions: creation time, then offset within the same millisecond. Exact in a double. */
export function orderScore(createdAt: string, offset: number): number {
  return Date.parse(createdAt) * 1024 + (offset % 1024);
}

/**
 * Folds `items` (consecutive records of one partition starting at `from`) over `states` (which it updates in place,
 * so the caller can keep it for the next batch once this one is applied).
 */
export function foldBatch(
  partition: number,
  from: number,
  items: DecodedRecord[],
  states: Map<string, TaskState>,
): FoldBatch {
  const batch: FoldBatch = {
    partition,
    from,
    to: from,
    states: [],
    orderAdd: [],
    orderRemove: [],
    listAdd: [],
    listRemove: [],
    history: [],
    deadLetters: [],
    rejected: [],
    counts: { applied: 0, rejected: 0, dead: 0 },
  };
  const touched = new Set<string>();
  for (const { record, event, poison } of items) {
    batch.to = record.offset + 1;
    const position = { partition: record.partition, offset: record.offset };
    if (!event) {
      batch.deadLetters.push(
        JSON.stringify({
          ...position,
          reason: poison,
          value: record.value.slice(0, DEAD_LETTER_VALUE_CHARS),
          loggedAt: record.timestamp,
        }),
      );
      batch.counts.dead++;
      continue;
    }
    const before = states.get(event.taskId) ?? { status: "absent" };
    const result = applyEvent(before, event);
    if (!result.applied) {
      batch.rejected.push(
        JSON.stringify({
          ...position,
          eventId: event.eventId,
          type: event.type,
          taskId: event.taskId,
          reason: result.reason,
        }),
      );
      batch.counts.rejected++;
      continue;
    }
    states.set(event.taskId, result.state);
    touched.add(event.taskId);
    batch.counts.applied++;
    batch.history.push([
      event.taskId,
      JSON.stringify({
        ...position,
        eventId: event.eventId,
        type: event.type,
        version: event.version,
        occurredAt: event.occurredAt,
        data: event.data,
        metadata: event.metadata,
      }),
    ]);
    indexByList(batch, before, event, record.offset);
  }
  for (const id of touched) {
    const state = states.get(id);
    if (state) batch.states.push([id, state]);
  }
  return batch;
}

/** Keeps each list's creation-order index: the default list's is `order`, a named list's its own sorted set. */
function indexByList(batch: FoldBatch, before: TaskState, event: EventEnvelope, offset: number): void {
  if (event.type === "TaskCreated") {
    const score = orderScore(event.occurredAt, offset);
    const listId = event.data.listId;
    if (listId === undefined) batch.orderAdd.push([score, event.taskId]);
    else batch.listAdd.push([listId, score, event.taskId]);
  }
  if (event.type === "TaskDeleted") {
    const listId = before.status === "active" ? before.task.listId : undefined;
    if (listId === undefined) batch.orderRemove.push(event.taskId);
    else batch.listRemove.push([listId, event.taskId]);
  }
}
