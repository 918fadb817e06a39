/**
 * The fold, pure: turns a batch of log records and the states they touch into one FoldBatch of writes.
 * Total: an undecodable record becomes a dead letter, an event that no longer applies is recorded as rejected;
 * neither stops the partition, and neither changes any task. A record this code cannot read *yet* (a newer
 * schema version or event type) or one filed under another partition than its task's ends the batch before it
 * and stops the partition there, so that nothing after it is folded out of turn.
 */
import {
  applyEvent,
  decodeRecord,
  type EventEnvelope,
  type ListEnvelope,
  listOf,
  type TaskState,
  versionOf,
} from "../domain";
import { type LogRecord, partitionOf } from "../event-log/port";
import { encodeHistoryEntry, encodeState } from "./codec";
import { boundReason, DEAD_LETTER_VALUE_CHARS, encodeDeadLetter, encodeRejectedEvent } from "./problems";
import { argumentCost, requestCost } from "./request-cost";

/**
 * What the fold computed for one batch of a partition, every write of it; a fold sink applies it only if the
 * partition's checkpoint is still `from` (see fold-sink.ts). Entries are encoded as stored (codec.ts, problems.ts),
 * so the fold can bound the batch by what it will send.
 */
export interface FoldBatch {
  partition: number;
  from: number;
  to: number;
  states: Array<[string, TaskState]>;
  /** Each of `states` as stored (codec.ts `encodeState`), in order, if the fold encoded them: the sink sends these. */
  stateJson?: string[];
  /** Per state written, the version the batch was folded from (0: absent); the sink checks it still holds it. */
  expected: Array<[string, number]>;
  orderAdd: Array<[number, string]>;
  orderRemove: string[];
  /** [list id, score, task id]: a task created on a named list */
  listAdd: Array<[string, number, string]>;
  /** [list id, task id]: a task of a named list deleted */
  listRemove: Array<[string, string]>;
  /** [list id, task id]: a named list's task deleted, kept in its set of deleted tasks (its index has the rest) */
  listTasks: Array<[string, string]>;
  /**
   * Lists purged, one at most, the batch's last record (its sweep is not counted in the budget): after the
   * batch's other writes, the sink removes every task of it (those in its index and its set of deleted tasks: their
   * states, their histories), its index and its set, and remembers it purged, so that a task of it folded later (from
   * another partition, or in a rebuild) is removed as soon as it is written.
   */
  purge: string[];
  /** [task id, encoded history entry] in order */
  history: Array<[string, string]>;
  /** Encoded dead letters. */
  deadLetters: string[];
  /** Encoded rejected events. */
  rejected: string[];
  counts: { applied: number; rejected: number; dead: number };
  /** The partition stops at `offset` (= `to`): the record there cannot be folded by this code. */
  stop?: { offset: number; reason: string };
}

export interface DecodedRecord {
  record: LogRecord;
  event?: EventEnvelope;
  /**
   * A list's event. ListCreated changes nothing projected (a list's capabilities and title are kept by the command
   * side's list registry, which the event records in the log); ListPurged removes the list's tasks (see `purge`).
   */
  list?: ListEnvelope;
  /** Why the record is poison (skipped as a dead letter), when it is. */
  poison?: string;
  /** Why the partition must stop at this record, when it must. */
  stop?: string;
}

/**
 * Bytes of Redis request one fold batch may take (its script call, as sent to Upstash's REST API). Upstash
 * refuses requests over 10 MB; a tenth of that keeps every call far from it, and one call quick to run.
 */
export const DEFAULT_BATCH_BYTES = 1_000_000;

/** What an event adds to the call beside its state and entry: its history key (prefix and namespace at most 76
 * characters), its expected version, its place in an index or set. At most about 270 bytes; the rest is room. */
const EVENT_BYTES = 288;

/**
 * Decodes records. An event filed under another partition than its task's, or one that only a newer release can
 * read, is a stop rather than poison: skipping it would let the task's later events be folded without it.
 */
export function decodeRecords(records: LogRecord[], partitions: number): DecodedRecord[] {
  return records.map((record) => {
    const decoded = decodeRecord(record.value);
    if (!decoded.ok) {
      return decoded.newer
        ? { record, stop: boundReason(`${decoded.reason}; waiting here for a projector that reads it`) }
        : { record, poison: boundReason(decoded.reason) };
    }
    const [what, key] = decoded.list ? ["list", decoded.list.listId] : ["task", decoded.event.taskId];
    const expected = partitionOf(key, partitions);
    if (expected !== record.partition) {
      return {
        record,
        stop: boundReason(
          `${what} ${key} belongs to partition ${expected}, not ${record.partition} ` +
            `(of ${partitions}): do the workers agree on EVENT_LOG_PARTITIONS?`,
        ),
      };
    }
    return decoded.list ? { record, list: decoded.list } : { record, event: decoded.event };
  });
}

/** Ids of the tasks a batch touches, for the state read before folding, each once, in their first event's order. */
export function taskIdsOf(items: DecodedRecord[]): string[] {
  const ids = new Set<string>();
  for (const item of items) if (item.event) ids.add(item.event.taskId);
  return [...ids];
}

/**
 * Ids of the tasks whose first event in the batch is their creation: new tasks, which the fold takes as absent
 * without reading their state. A record stored twice would make one of them known already; the sink then refuses
 * the batch (its version check), and the fold reads their states and folds it again.
 */
export function createdIn(items: DecodedRecord[]): Set<string> {
  const seen = new Set<string>();
  const created = new Set<string>();
  for (const item of items) {
    const event = item.event;
    if (event === undefined || seen.has(event.taskId)) continue;
    seen.add(event.taskId);
    if (event.type === "TaskCreated") created.add(event.taskId);
  }
  return created;
}

/** The states `known` holds of `ids`: what a batch of those tasks is folded over. */
export function statesOf(
  ids: readonly string[],
  known: ReadonlyMap<string, TaskState>,
): Map<string, TaskState> {
  const states = new Map<string, TaskState>();
  for (const id of ids) {
    const state = known.get(id);
    if (state !== undefined) states.set(id, state);
  }
  return states;
}

/** Creation order across partitions: creation time, then offset within the same millisecond. Exact in a double. */
export function orderScore(createdAt: string, offset: number): number {
  return Date.parse(createdAt) * 1024 + (offset % 1024);
}

/** A batch of `partition` from `from` that writes nothing yet but the checkpoint (to `from`). */
export function emptyBatch(partition: number, from: number): FoldBatch {
  return {
    partition,
    from,
    to: from,
    states: [],
    stateJson: [],
    expected: [],
    orderAdd: [],
    orderRemove: [],
    listAdd: [],
    listRemove: [],
    listTasks: [],
    purge: [],
    history: [],
    deadLetters: [],
    rejected: [],
    counts: { applied: 0, rejected: 0, dead: 0 },
  };
}

/**
 * Folds `items` (consecutive records of one partition starting at `from`) over `states` (which it updates in place,
 * so the caller can keep it for the next batch once this one is applied). The batch ends early, at `batch.to`,
 * once its script call would exceed `maxBytes`, or at a record the partition must stop at (`batch.stop`). A
 * record that alone exceeds `maxBytes` is dead-lettered.
 */
export function foldBatch(
  partition: number,
  from: number,
  items: DecodedRecord[],
  states: Map<string, TaskState>,
  maxBytes = DEFAULT_BATCH_BYTES,
): FoldBatch {
  const batch = emptyBatch(partition, from);
  const base = new Map<string, number>();
  // Per task written, its state now encoded and what that costs the request (the first, to count it once).
  const written = new Map<string, { json: string; cost: number }>();
  let used = 0;
  const deadLetter = (record: LogRecord, reason: string) => {
    const entry = encodeDeadLetter({
      partition: record.partition,
      offset: record.offset,
      reason,
      value: record.value,
      loggedAt: record.timestamp,
    });
    batch.deadLetters.push(entry);
    batch.counts.dead++;
    used += requestCost(entry);
  };

  for (const { record, event, list, poison, stop } of items) {
    const first = batch.to === from;
    if (stop !== undefined) {
      batch.stop = { offset: record.offset, reason: stop };
      break;
    }
    if (list) {
      batch.to = record.offset + 1;
      batch.counts.applied++;
      if (list.type === "ListPurged") {
        // A purge ends its batch (which bounds its uncounted sweep): the sink sweeps after the batch's other writes,
        // so what follows is folded over the projection as the sweep left it (a task of the list created again, under
        // an id a client named, would otherwise be swept, and the batch refused for its stored version).
        batch.purge.push(list.listId);
        // The states this fold holds of the list's tasks are gone with it: later events of them find none.
        for (const [id, state] of states) if (listOf(state) === list.listId) states.delete(id);
        break;
      }
      continue;
    }
    if (!event) {
      const cost = requestCost(record.value.slice(0, DEAD_LETTER_VALUE_CHARS)) + 400;
      if (!first && used + cost > maxBytes) break;
      batch.to = record.offset + 1;
      deadLetter(record, poison ?? "undecodable");
      continue;
    }
    const before = states.get(event.taskId) ?? { status: "absent" };
    const result = applyEvent(before, event);
    if (!result.applied) {
      const entry = encodeRejectedEvent({
        partition: record.partition,
        offset: record.offset,
        eventId: event.eventId,
        type: event.type,
        taskId: event.taskId,
        reason: result.reason,
      });
      const cost = requestCost(entry);
      if (!first && used + cost > maxBytes) break;
      batch.to = record.offset + 1;
      batch.rejected.push(entry);
      batch.counts.rejected++;
      used += cost;
      continue;
    }
    const entry = encodeHistoryEntry(event, record);
    const json = encodeState(result.state);
    const newStateCost = argumentCost(json) + argumentCost(event.taskId);
    const cost = argumentCost(entry) + newStateCost - (written.get(event.taskId)?.cost ?? 0) + EVENT_BYTES;
    if (cost > maxBytes && first) {
      batch.to = record.offset + 1;
      deadLetter(record, `event too large to project: about ${cost} bytes encoded, the limit is ${maxBytes}`);
      continue;
    }
    if (used + cost > maxBytes) break;
    batch.to = record.offset + 1;
    used += cost;
    written.set(event.taskId, { json, cost: newStateCost });
    if (!base.has(event.taskId)) base.set(event.taskId, versionOf(before));
    states.set(event.taskId, result.state);
    batch.counts.applied++;
    batch.history.push([event.taskId, entry]);
    indexByList(batch, before, event, record.offset);
  }
  for (const [id, version] of base) {
    const state = states.get(id);
    const json = written.get(id)?.json;
    if (!state || json === undefined) continue;
    batch.states.push([id, state]);
    batch.stateJson?.push(json);
    batch.expected.push([id, version]);
  }
  return batch;
}

/** Keeps each list's creation-order index (`order` for the default list) and a named list's set of deleted tasks. */
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
    else {
      batch.listRemove.push([listId, event.taskId]);
      batch.listTasks.push([listId, event.taskId]);
    }
  }
}
