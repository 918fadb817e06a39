/**
 * The log and the projection as the projector tests see them: events put straight into a projector's topic
 * with the official `@upstash/kafka` client, the projection read back with `@upstash/redis`, and the model the
 * projection must equal: the fold of the log with the domain's own `applyEvent`.
 */
import { randomUUID } from "node:crypto";
import { Kafka } from "@upstash/kafka";
import { Redis } from "@upstash/redis";
import { expect } from "vitest";
import { eventLogConfig } from "../../../shared/config/event-log";
import {
  applyEvent,
  decodeEvent,
  type EventEnvelope,
  encodeEvent,
  makeEnvelopes,
  type TaskEvent,
  type TaskState,
} from "../../../shared/domain";
import { createEventLog } from "../../../shared/event-log/create";
import { type EventLog, type LogRecord, type Position, partitionOf } from "../../../shared/event-log/port";
import type { Logger } from "../../../shared/http/log";
import { orderScore } from "../../../shared/projection/fold";
import type { Projector } from "./projector-support";

let clock = Date.parse("2025-06-01T08:00:00.000Z");

/** A fresh task id (a lowercase UUID, as the command worker makes them). */
export const newTaskId = (): string => randomUUID();

/** A logger that writes nothing, for a catch-up run straight from a test. */
export const quiet: Logger = { info: () => {}, error: () => {}, with: () => quiet };

/** Envelopes for `events` of one task, numbered from `baseVersion + 1`, each call one millisecond later. */
export function envelopes(taskId: string, events: TaskEvent[], baseVersion = 0): EventEnvelope[] {
  clock += 1;
  const now = new Date(clock).toISOString();
  const eventIds = events.map(() => randomUUID());
  return makeEnvelopes(
    { type: "DeleteTask", data: { taskId }, metadata: { now, requestId: `req-${clock}` } },
    events,
    {
      eventIds,
      baseVersion,
    },
  );
}

/** A task's whole life: created, then `changes` renames, completions and reopenings in turn. */
export function taskLife(taskId: string, changes: number): EventEnvelope[] {
  const events: TaskEvent[] = [{ type: "TaskCreated", data: { text: `task ${taskId.slice(0, 8)}` } }];
  for (let i = 0; i < changes; i++) {
    const step = i % 3;
    events.push(
      step === 0
        ? { type: "TaskRenamed", data: { text: `renamed ${i}` } }
        : step === 1
          ? { type: "TaskCompleted", data: {} }
          : { type: "TaskReopened", data: {} },
    );
  }
  return envelopes(taskId, events);
}

export interface RawRecord {
  key: string;
  value: string;
  /** Default: the key's partition, as the event log adapter files it. */
  partition?: number;
}

function kafka(p: Projector): Kafka {
  return new Kafka({
    url: p.env.UPSTASH_KAFKA_URL ?? "",
    username: p.env.UPSTASH_KAFKA_USERNAME ?? "",
    password: p.env.UPSTASH_KAFKA_PASSWORD ?? "",
  });
}

/** The projector's log through its adapter, when it is not Kafka (whose official client these helpers use). */
function otherLog(p: Projector): EventLog | undefined {
  const config = eventLogConfig(p.env);
  return config.backend === "upstash-kafka" ? undefined : createEventLog(config);
}

/** Produces raw records to the projector's topic, in order, and returns their positions. */
export async function produce(p: Projector, records: RawRecord[]): Promise<Position[]> {
  const log = otherLog(p);
  if (log !== undefined) {
    const positions: Position[] = [];
    for (const r of records) {
      if (r.partition !== undefined && r.partition !== log.partitionFor(r.key))
        throw new Error(`${p.env.EVENT_LOG} files a key's records in its own partition only`);
      const [record] = await log.append(r.key, [r.value]);
      if (record) positions.push({ partition: record.partition, offset: record.offset });
    }
    return positions;
  }
  const answer = await kafka(p)
    .producer()
    .produceMany(
      records.map((r) => ({
        topic: p.topic,
        key: r.key,
        value: r.value,
        partition: r.partition ?? partitionOf(r.key, p.partitions),
      })),
    );
  return answer.map((m) => ({ partition: m.partition, offset: m.offset }));
}

/** Produces envelopes as the command worker appends them: `encodeEvent`, keyed by task id. */
export function produceEvents(p: Projector, events: EventEnvelope[]): Promise<Position[]> {
  return produce(
    p,
    events.map((e) => ({ key: e.taskId, value: encodeEvent(e) })),
  );
}

/** Every record of the projector's topic, partition by partition, in offset order. */
export async function readLog(p: Projector): Promise<LogRecord[]> {
  const log = otherLog(p);
  if (log !== undefined) {
    const records: LogRecord[] = [];
    for (let partition = 0; partition < p.partitions; partition++) {
      for (;;) {
        const from = records.filter((r) => r.partition === partition).length;
        const page = await log.read(partition, from, { limit: 1000 });
        if (page.length === 0) break;
        records.push(...page);
      }
    }
    return records;
  }
  const consumer = kafka(p).consumer();
  const out: LogRecord[] = [];
  for (let partition = 0; partition < p.partitions; partition++) {
    for (;;) {
      const offset = out.filter((r) => r.partition === partition).length;
      const page = await consumer.fetch({ topic: p.topic, partition, offset, timeout: 0 });
      if (page.length === 0) break;
      for (const m of page)
        out.push({ partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value });
    }
  }
  return out;
}

/** What the projection must hold. */
export interface Model {
  /** Every task that has a state (active or deleted). */
  states: Record<string, TaskState>;
  /** Active task ids in creation order. */
  order: string[];
  /** Per task, the ids of its applied events in order. */
  history: Record<string, string[]>;
  deadLetters: Position[];
  rejected: Position[];
  counters: { applied: number; rejected: number; dead: number };
  /** Next offset per partition (as strings, like the checkpoint hash). */
  checkpoints: Record<string, number>;
}

/** How many of the newest dead letters and rejected events the projection keeps (the counters count them all). */
export const PROBLEMS_KEPT = 1000;

/** Folds `records` (all partitions, each in offset order) with the domain's `applyEvent`. */
export function fold(records: LogRecord[], partitions: number): Model {
  const model: Model = {
    states: {},
    order: [],
    history: {},
    deadLetters: [],
    rejected: [],
    counters: { applied: 0, rejected: 0, dead: 0 },
    checkpoints: {},
  };
  const created = new Map<string, number>();
  const stopped = new Set<number>();
  for (const record of records) {
    if (stopped.has(record.partition)) continue;
    const position = { partition: record.partition, offset: record.offset };
    const decoded = decodeEvent(record.value);
    // An event a newer projector may understand, or one filed under another partition, stops its partition.
    if (
      (!decoded.ok && decoded.newer === true) ||
      (decoded.ok && partitionOf(decoded.event.taskId, partitions) !== record.partition)
    ) {
      stopped.add(record.partition);
      model.checkpoints[String(record.partition)] = record.offset;
      continue;
    }
    model.checkpoints[String(record.partition)] = record.offset + 1;
    if (!decoded.ok) {
      model.deadLetters.push(position);
      model.counters.dead++;
      continue;
    }
    const event = decoded.event;
    const result = applyEvent(model.states[event.taskId] ?? { status: "absent" }, event);
    if (!result.applied) {
      model.rejected.push(position);
      model.counters.rejected++;
      continue;
    }
    model.states[event.taskId] = result.state;
    model.history[event.taskId] = [...(model.history[event.taskId] ?? []), event.eventId];
    model.counters.applied++;
    if (event.type === "TaskCreated") created.set(event.taskId, orderScore(event.occurredAt, record.offset));
  }
  model.deadLetters = model.deadLetters.slice(-PROBLEMS_KEPT);
  model.rejected = model.rejected.slice(-PROBLEMS_KEPT);
  model.order = Object.entries(model.states)
    .filter(([, s]) => s.status === "active")
    .map(([id]) => id)
    // Creation order as the projection keeps it: by score, and (as a Redis sorted set does) by id on a tie.
    .sort((a, b) => (created.get(a) ?? 0) - (created.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  return model;
}

/** A Redis client on the projector's database, for tests that read or plant keys directly. */
export function redis(p: Projector): Redis {
  return new Redis({
    url: p.env.UPSTASH_REDIS_REST_URL ?? "",
    token: p.env.UPSTASH_REDIS_REST_TOKEN ?? "",
    automaticDeserialization: false,
    enableTelemetry: false,
  });
}

function pairs(raw: unknown): Array<[string, string]> {
  if (Array.isArray(raw)) {
    const out: Array<[string, string]> = [];
    for (let i = 0; i + 1 < raw.length; i += 2) out.push([String(raw[i]), String(raw[i + 1])]);
    return out;
  }
  return raw && typeof raw === "object" ? Object.entries(raw).map(([k, v]) => [k, String(v)]) : [];
}

function positionOf(json: string): Position {
  const { partition, offset } = JSON.parse(json) as Position;
  return { partition, offset };
}

/** The projection under the projector's prefix, read straight from Redis, in the Model's shape. */
export async function readProjection(p: Projector): Promise<Model> {
  const r = redis(p);
  const k = (name: string) => `${p.prefix}:${name}`;
  const [states, order, checkpoints, counters, dead, rejected] = await Promise.all([
    r.hgetall(k("state")),
    r.zrange<string[]>(k("order"), 0, -1),
    r.hgetall(k("checkpoint")),
    r.hgetall(k("counters")),
    r.lrange(k("dead"), 0, -1),
    r.lrange(k("rejected"), 0, -1),
  ]);
  const model: Model = {
    states: Object.fromEntries(pairs(states).map(([id, s]) => [id, JSON.parse(s) as TaskState])),
    order: order.map(String),
    history: {},
    deadLetters: dead.map(String).map(positionOf),
    rejected: rejected.map(String).map(positionOf),
    counters: { applied: 0, rejected: 0, dead: 0 },
    checkpoints: Object.fromEntries(pairs(checkpoints).map(([partition, n]) => [partition, Number(n)])),
  };
  for (const [name, n] of pairs(counters)) {
    if (name === "applied" || name === "rejected" || name === "dead") model.counters[name] = Number(n);
  }
  for (const id of Object.keys(model.states)) {
    const entries = (await r.lrange(k(`history:${id}`), 0, -1)).map(
      (e) => JSON.parse(String(e)) as { eventId: string; version: number },
    );
    // Each version exactly once, in order: no event applied twice, none skipped.
    expect(entries.map((e) => e.version)).toEqual(entries.map((_, i) => i + 1));
    model.history[id] = entries.map((e) => e.eventId);
  }
  return model;
}

/** Asserts that the projection equals the fold of the whole log, and returns it. */
export async function expectProjectionOfLog(p: Projector): Promise<Model> {
  const expected = fold(await readLog(p), p.partitions);
  const actual = await readProjection(p);
  expect(actual).toEqual(expected);
  return actual;
}

/** The stored checkpoint of one partition (0 when none). */
export async function readCheckpoint(p: Projector, partition = 0): Promise<number> {
  return Number((await redis(p).hget(`${p.prefix}:checkpoint`, String(partition))) ?? 0);
}

/** Many tasks' lives interleaved round-robin, as concurrent writers would append them. */
export function interleavedLives(
  tasks: number,
  changes: number,
  ids: readonly string[] = Array.from({ length: tasks }, () => newTaskId()),
): EventEnvelope[] {
  const lives = ids.slice(0, tasks).map((id) => taskLife(id, changes));
  const out: EventEnvelope[] = [];
  for (let i = 0; i <= changes; i++) {
    for (const life of lives) {
      const event = life[i];
      if (event) out.push(event);
    }
  }
  return out;
}
