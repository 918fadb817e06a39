/**
 * The fold inside Redis (shared/projection/redis/fold-in-place.ts) against the worker's fold, which is the one
 * source of the domain's rules: on random logs (valid events of every kind on the default list and on named lists,
 * clear and sealed; events that no longer apply; list events; records of other releases and malformed ones), a
 * catch-up with the fold inside Redis leaves exactly the projection a catch-up without it leaves, key by key. And
 * it does fold the records this release writes itself, without handing them to the worker.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { describe, expect, test } from "vitest";
import {
  type EventEnvelope,
  type EventMetadata,
  encodeEvent,
  encodeListEvent,
  listOf,
  sealedRef,
  type TaskEvent,
} from "../../shared/domain";
import { createEventLog } from "../../shared/event-log/create";
import { type EventLog, partitionOf } from "../../shared/event-log/port";
import { nextOffsetKey, streamKey } from "../../shared/event-log/redis-streams/event-log";
import type { Logger } from "../../shared/http/log";
import { createRedisInPlaceFold } from "../../shared/projection/redis/fold-in-place";
import { createRedisFoldLease } from "../../shared/projection/redis/fold-lease";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { connectRedis } from "../../shared/redis/client";
import { DEFAULT_BUDGET } from "../../workers/projector/fold/budget";
import { type AppliedBatch, catchUp } from "../../workers/projector/fold/catch-up";
import type { CatchUpResult } from "../../workers/projector/fold/progress";
import { useLocalRedis } from "../emulators/support/redis-fixture";
import { rng, uuid } from "../workers/support/guarantees-model";

const TOKEN = "fold-in-place-token";
const local = useLocalRedis({ name: "fold-in-place", token: TOKEN });

const quiet: Logger = { info() {}, error() {}, with: () => quiet };

/** Texts a fold must copy exactly: JSON escapes, controls, characters beyond ASCII, a leading sealed mark. */
const TEXTS = [
  "Buy milk",
  'say "hi" \\ back',
  "a/b and </script>",
  "line\nnext\ttab",
  "bell \u0001 \b\f\r and \u001f",
  "caf\u00e9 \u{1f600} \u2028 end",
  "\u007f",
  "x".repeat(1000),
  "\u00e9".repeat(1000),
  "y".repeat(1001),
  "",
];
/** The texts a writer of this release could have appended (the decoder refuses a leading mark and 1,001 characters). */
const WRITTEN = TEXTS.filter((t) => !t.startsWith("\u007f") && t.length <= 1000);
const LISTS = ["list-a", "list_B", "sealed-list"] as const;
const TIMES = [
  "2026-12-07T10:00:00.000Z",
  "1969-12-31T23:59:59.999Z",
  "2024-02-29T23:59:59.000Z",
  "0001-01-01T00:00:00.000Z",
  "2023-02-29T00:00:00.000Z",
  "2026-12-07T24:00:00.000Z",
];

interface Task {
  id: string;
  version: number;
  list?: string;
  deleted: boolean;
}

/** The record values of a random log for partition 0 of a log of one partition. */
function randomLog(seed: number, length: number): string[] {
  const r = rng(seed);
  const tasks: Task[] = [];
  const values: string[] = [];
  const purged = new Set<string>();
  let clock = Date.parse("2026-12-07T09:00:00.000Z");
  const time = () => {
    if (r.int(12) === 0) return r.pick(TIMES);
    clock += r.int(3);
    return new Date(clock).toISOString();
  };
  const metadata = (): EventMetadata => {
    const m: { requestId?: string; correlationId?: string; idempotencyKey?: string } = {};
    if (r.int(4) > 0) m.requestId = uuid(r);
    if (r.int(5) === 0) m.correlationId = `corr-${r.int(100)}`;
    if (r.int(3) === 0) m.idempotencyKey = r.pick(["key-1", 'key "quoted"', "k\u00e9y", "z".repeat(257)]);
    return m;
  };
  const text = (task: Task | undefined, eventId: string) => {
    if (task?.list === "sealed-list" && r.int(6) > 0) {
      const payload = Buffer.from(uuid(r))
        .toString("base64url")
        .slice(0, 4 + r.int(40));
      return sealedRef(eventId, payload);
    }
    return r.pick(TEXTS);
  };
  const taskEvent = (task: Task, event: TaskEvent, version: number) => {
    const eventId = uuid(r);
    const withText =
      event.type === "TaskCreated" || event.type === "TaskRenamed"
        ? { ...event, data: { ...event.data, text: text(task, eventId) } }
        : event;
    const envelope = {
      ...withText,
      eventId,
      schemaVersion: 1,
      taskId: task.id,
      version,
      occurredAt: time(),
      metadata: metadata(),
    } as EventEnvelope;
    return encodeEvent(envelope);
  };
  for (let i = 0; i < length; i++) {
    const roll = r.int(100);
    const live = tasks.filter((t) => !t.deleted);
    if (roll < 30 || live.length === 0) {
      // The command worker refuses a task on a purged list (its key is gone): none is created on one here.
      const open = LISTS.filter((l) => !purged.has(l));
      const list = r.int(3) === 0 || open.length === 0 ? undefined : r.pick(open);
      const task: Task = { id: uuid(r), version: 1, deleted: false, ...(list && { list }) };
      tasks.push(task);
      values.push(
        taskEvent(task, { type: "TaskCreated", data: { text: "", ...(list && { listId: list }) } }, 1),
      );
    } else if (roll < 75) {
      const task = r.pick(live);
      const type = r.pick(["TaskRenamed", "TaskCompleted", "TaskReopened", "TaskDeleted"] as const);
      task.version++;
      if (type === "TaskDeleted") task.deleted = true;
      const event = (type === "TaskRenamed" ? { type, data: { text: "" } } : { type, data: {} }) as TaskEvent;
      values.push(taskEvent(task, event, task.version));
    } else if (roll < 83) {
      // Events that no longer apply: a version out of turn, a deleted task, a task created twice.
      const task = r.pick(tasks);
      const kind = r.int(3);
      if (kind === 0) values.push(taskEvent(task, { type: "TaskCompleted", data: {} }, task.version + 2));
      else if (kind === 1) values.push(taskEvent(task, { type: "TaskReopened", data: {} }, task.version));
      else values.push(taskEvent(task, { type: "TaskCreated", data: { text: "" } }, 1));
    } else if (roll < 88) {
      const listId = r.pick(["list-a", "list_B", "sealed-list", "other"]);
      const type = r.int(5) === 0 && listId !== "sealed-list" ? "ListPurged" : "ListCreated";
      if (type === "ListPurged") purged.add(listId);
      values.push(
        encodeListEvent({
          eventId: uuid(r),
          type,
          schemaVersion: 1,
          listId,
          version: type === "ListCreated" ? 1 : 2,
          occurredAt: time(),
          data:
            type === "ListCreated" ? { title: r.int(2) ? null : "Groceries", viewId: `view-${listId}` } : {},
          metadata: {},
        } as never),
      );
    } else {
      // Records of other releases and malformed ones: the worker's fold decides what they are.
      const task = r.pick(tasks);
      const good = JSON.parse(taskEvent(task, { type: "TaskCompleted", data: {} }, task.version + 1));
      const variant = r.int(10);
      if (variant === 0) values.push("{not json");
      else if (variant === 1)
        values.push(JSON.stringify({ ...good, data: [] }).replace('"data":{}', '"data":[]'));
      else if (variant === 2) {
        const { eventId, ...rest } = good;
        values.push(JSON.stringify({ ...rest, eventId }));
      } else if (variant === 3) values.push(JSON.stringify({ ...good, extra: 1 }));
      else if (variant === 4) values.push(JSON.stringify(good).replace(/"version":(\d+)/, '"version":$1.0'));
      else if (variant === 5) values.push(JSON.stringify(good).replace("}}", "} }"));
      else if (variant === 6) values.push(JSON.stringify({ ...good, metadata: { requestId: null } }));
      else if (variant === 7) {
        // Schema version 0, which the worker's decoder upcasts: a creation with a title.
        const id = uuid(r);
        tasks.push({ id, version: 1, deleted: false });
        values.push(
          JSON.stringify({
            eventId: uuid(r),
            type: "TaskCreated",
            schemaVersion: 0,
            taskId: id,
            version: 1,
            occurredAt: time(),
            data: { title: 'old / "title"' },
            metadata: {},
          }),
        );
      } else if (variant === 8)
        values.push(
          JSON.stringify(good).replace(/"occurredAt":"[^"]*"/, '"occurredAt":"2026-13-01T00:00:00.000Z"'),
        );
      else {
        // Words with escapes JSON.stringify never writes: the worker decodes them and stores them as it writes them.
        const renamed = taskEvent(task, { type: "TaskRenamed", data: { text: "" } }, task.version + 1);
        const escaped = r.pick(["\\u0041", "a\\/b", "caf\\u00e9", "\\u001F", "\\u00e9t\\u00e9"]);
        values.push(renamed.replace('"text":""', `"text":"${escaped}"`));
      }
    }
  }
  return values;
}

/**
 * Everything a namespace holds, keyed without its prefix, as stored (byte for byte: nothing parsed); what differs by
 * the fold's path alone left out.
 */
async function snapshot(prefix: string): Promise<Record<string, unknown>> {
  const redis = new Redis({ url: local.stack.rest.url, token: TOKEN, automaticDeserialization: false });
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = (await redis.scan(cursor, { match: `${prefix}:*`, count: 1000 })) as [
      string,
      string[],
    ];
    cursor = String(next);
    keys.push(...found);
  } while (cursor !== "0");
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const name = key.slice(prefix.length + 1);
    if (name.startsWith("fold-lease:") || name.startsWith("fold-more:")) continue;
    const type = await redis.type(key);
    if (type === "hash") {
      const raw: unknown = await redis.hgetall(key);
      const entries: Array<[string, unknown]> = [];
      if (Array.isArray(raw))
        for (let i = 0; i < raw.length; i += 2) entries.push([String(raw[i]), raw[i + 1]]);
      else entries.push(...Object.entries((raw ?? {}) as Record<string, unknown>));
      const fields = entries
        .filter(([field]) => name !== "counters" || (field !== "batches" && field !== "lost"))
        .map(([field, value]) => {
          const text = typeof value === "string" ? value : JSON.stringify(value);
          // A stop record's `since` is the time it was first written, and a gap's reason names the read that met it.
          const stop = () =>
            text
              .replace(/"since":"[^"]*"/, "")
              .replace(/from offset \d+ answered offsets \d+ to \d+ with/, "with");
          return [field, name === "stopped" ? stop() : text] as const;
        });
      out[name] = fields.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    } else if (type === "zset") out[name] = await redis.zrange(key, 0, -1, { withScores: true });
    else if (type === "list")
      out[name] = (await redis.lrange(key, 0, -1)).map((v) =>
        typeof v === "string" ? v : JSON.stringify(v),
      );
    else if (type === "set") out[name] = ((await redis.smembers(key)) as string[]).map(String).sort();
    else out[name] = await redis.get(key);
  }
  return out;
}

/** The Redis Streams log of `topic` in the test's redis-server. */
function streamLog(topic: string, partitions: number): EventLog {
  return createEventLog({
    backend: "redis-streams",
    url: local.stack.rest.url,
    token: TOKEN,
    topic,
    partitions,
    timeoutMs: 10_000,
  });
}

/** A log whose reads are counted: the fold inside Redis reads none. */
function counted(log: EventLog): { log: EventLog; reads: () => number } {
  let reads = 0;
  return {
    log: {
      ...log,
      read: (partition, from, options) => {
        reads++;
        return log.read(partition, from, options);
      },
    },
    reads: () => reads,
  };
}

/** Folds `topic` into `prefix` until caught up or stopped, in batches of `batchSize`; with or without the fold inside Redis. */
async function foldAll(topic: string, prefix: string, inPlace: boolean, batchSize: number, partitions = 1) {
  const client = connectRedis({ url: local.stack.rest.url, token: TOKEN });
  const log = counted(streamLog(topic, partitions));
  const told: AppliedBatch[] = [];
  let result: CatchUpResult | undefined;
  for (let run = 0; run < 200; run++) {
    result = await catchUp(
      {
        log: log.log,
        store: createRedisFoldSink(client, prefix),
        lease: createRedisFoldLease(client, prefix),
        logger: quiet,
        applied: (batch) => told.push(batch),
        ...(inPlace && { inPlace: createRedisInPlaceFold(client, prefix, topic) }),
      },
      { ...DEFAULT_BUDGET, batchSize, maxEvents: 10_000, maxSubrequests: 10_000 },
    );
    if (result.caughtUp || result.partitions.some((p) => p.stopped || p.failed)) break;
  }
  const lists: Record<string, Set<string>> = {};
  const tell = (listId: string, id: string) => {
    const ids = lists[listId] ?? new Set<string>();
    lists[listId] = ids.add(id);
  };
  for (const batch of told) {
    for (const [listId, ids] of Object.entries(batch.lists ?? {})) for (const id of ids) tell(listId, id);
    if (!batch.lists)
      for (const id of batch.taskIds) {
        const state = batch.states.get(id);
        const listId = state === undefined ? undefined : listOf(state);
        if (listId !== undefined) tell(listId, id);
      }
  }
  return { result, reads: log.reads(), lists };
}

/** Appends `values` to partition 0 (under one key), or each under its own key in a log of `partitions`. */
async function load(topic: string, values: string[], partitions = 1, keyOf = (_value: string) => "k") {
  const log = streamLog(topic, partitions);
  if (partitions === 1)
    for (let i = 0; i < values.length; i += 50) await log.append("k", values.slice(i, i + 50));
  else for (const value of values) await log.append(keyOf(value), [value]);
}

/** A creation's record on the default list, as this release writes it: a new task with `text`. */
function creation(text: string, metadata: EventMetadata = {}): string {
  return encodeEvent({
    type: "TaskCreated",
    data: { text },
    eventId: randomUUID(),
    schemaVersion: 1,
    taskId: randomUUID(),
    version: 1,
    occurredAt: "2026-12-07T10:00:00.000Z",
    metadata,
  });
}

describe("the fold inside Redis", () => {
  test("folds this release's records itself, and leaves what the worker's fold leaves", async () => {
    const topic = `in-place-${randomUUID()}`;
    const r = rng(7);
    const tasks: Array<{ id: string; version: number; list?: string }> = [];
    const values: string[] = [];
    for (let i = 0; i < 400; i++) {
      const open = tasks.filter((t) => t.version < 5);
      if (open.length === 0 || r.int(3) === 0) {
        const list = r.pick(["", "list-a", "sealed-list"]) || undefined;
        const task = { id: randomUUID(), version: 1, ...(list && { list }) };
        tasks.push(task);
        const eventId = randomUUID();
        const text = list === "sealed-list" ? sealedRef(eventId, "c2VhbGVkIHdvcmRz") : r.pick(WRITTEN);
        values.push(
          encodeEvent({
            type: "TaskCreated",
            data: { text, ...(list && { listId: list }) },
            eventId,
            schemaVersion: 1,
            taskId: task.id,
            version: 1,
            occurredAt: new Date(Date.parse("2026-12-07T10:00:00.000Z") + i).toISOString(),
            metadata: { requestId: randomUUID(), ...(i % 4 === 0 && { idempotencyKey: `key-${i}` }) },
          }),
        );
      } else {
        const task = r.pick(open);
        task.version++;
        const type =
          task.version === 5 ? "TaskDeleted" : r.pick(["TaskRenamed", "TaskCompleted", "TaskReopened"]);
        const eventId = randomUUID();
        const text = task.list === "sealed-list" ? sealedRef(eventId, "bmV3IHdvcmRz") : 'renamed "again"';
        values.push(
          encodeEvent({
            type,
            data: type === "TaskRenamed" ? { text } : {},
            eventId,
            schemaVersion: 1,
            taskId: task.id,
            version: task.version,
            occurredAt: new Date(Date.parse("2026-12-07T10:00:00.000Z") + i).toISOString(),
            metadata: { requestId: randomUUID() },
          } as EventEnvelope),
        );
      }
    }
    await load(topic, values);
    const worker = await foldAll(topic, `w:${topic}`, false, 64);
    const inside = await foldAll(topic, `i:${topic}`, true, 64);
    expect(inside.reads).toBe(0);
    expect(worker.reads).toBeGreaterThan(0);
    expect(inside.result?.caughtUp).toBe(true);
    expect(inside.result?.partitions[0]?.applied).toBe(400);
    expect(await snapshot(`i:${topic}`)).toEqual(await snapshot(`w:${topic}`));
    expect(inside.lists).toEqual(worker.lists);
  });

  test("words written with escapes JSON.stringify never writes are stored as the worker's fold stores them", async () => {
    const topic = `in-place-escapes-${randomUUID()}`;
    // As written in the record's JSON: each decodes to words the worker then writes back in JSON.stringify's form.
    const escaped = ["\\u0041", "a\\/b", "caf\\u00e9", "\\u001F", "tab\\u0009", "plain, then \\u00e9"];
    const values = [...escaped, "clear words"].map((words, i) =>
      creation("", { requestId: `request-${i}` }).replace('"text":""', `"text":"${words}"`),
    );
    await load(topic, values);
    const worker = await foldAll(topic, `w:${topic}`, false, 50);
    const inside = await foldAll(topic, `i:${topic}`, true, 50);
    expect(worker.result?.partitions[0]?.applied).toBe(values.length);
    expect(inside.result?.partitions[0]?.applied).toBe(values.length);
    expect(await snapshot(`i:${topic}`)).toEqual(await snapshot(`w:${topic}`));
    // The records with escapes were handed to the worker's fold.
    expect(inside.reads).toBeGreaterThan(0);
  });

  test("a stream with an entry missing, or with its fields in another order: as the worker's fold reads it", async () => {
    const topic = `in-place-gap-${randomUUID()}`;
    // Offsets 0 to 14, each entry as the adapter writes it (k, v, t) but offset 3's fields in another order; then
    // offset 10 missing (as if trimmed), so that its neighbours' ids are 9-1 and 11-1.
    const redis = new Redis({ url: local.stack.rest.url, token: TOKEN, automaticDeserialization: false });
    const stream = streamKey(topic, 0);
    for (let offset = 0; offset < 15; offset++) {
      if (offset === 10) continue;
      const [k, v, t] = [
        ["k", "k"],
        ["v", creation(`task ${offset}`)],
        ["t", "1765101600000"],
      ] as const;
      const fields = offset === 3 ? [...t, ...v, ...k] : [...k, ...v, ...t];
      await redis.eval(
        "return redis.call('XADD', KEYS[1], ARGV[1], unpack(ARGV, 2))",
        [stream],
        [`${offset}-1`, ...fields],
      );
    }
    await redis.set(nextOffsetKey(topic, 0), "15");
    // Batches of 50: the worker's fold reads across the gap, folds what comes before it and stops there, as the
    // fold inside Redis does.
    const worker = await foldAll(topic, `w:${topic}`, false, 50);
    const inside = await foldAll(topic, `i:${topic}`, true, 50);
    const progress = (r: CatchUpResult | undefined) =>
      r?.partitions.map(({ checkpoint, applied, stopped }) => ({
        checkpoint,
        applied,
        stop: stopped?.offset,
      }));
    expect(progress(worker.result)).toEqual([{ checkpoint: 10, applied: 10, stop: 10 }]);
    expect(worker.result?.partitions[0]?.stopped?.reason).toMatch(/with 1 missing \(offset 10\)/);
    expect(progress(inside.result)).toEqual(progress(worker.result));
    expect(await snapshot(`i:${topic}`)).toEqual(await snapshot(`w:${topic}`));
    // Offset 3 too was folded inside Redis: the worker's fold read only from the gap.
    expect(inside.reads).toBe(1);
  });

  test("a log of three partitions: each record is checked against its task's partition, as the worker checks it", async () => {
    const topic = `in-place-3-${randomUUID()}`;
    const values = Array.from({ length: 90 }, (_, i) => creation(`task ${i}`));
    // Each record under its task's key, but one under another key: filed under the wrong partition, a stop.
    const misfiled = values[60] ?? "";
    const keyOf = (value: string) => {
      const taskId = /"taskId":"([^"]+)"/.exec(value)?.[1] ?? "";
      if (value !== misfiled) return taskId;
      for (let i = 0; ; i++) if (partitionOf(`other-${i}`, 3) !== partitionOf(taskId, 3)) return `other-${i}`;
    };
    await load(topic, values, 3, keyOf);
    const worker = await foldAll(topic, `w:${topic}`, false, 16, 3);
    const inside = await foldAll(topic, `i:${topic}`, true, 16, 3);
    const progress = (r: CatchUpResult | undefined) =>
      r?.partitions.map(({ partition, checkpoint, stopped }) => ({
        partition,
        checkpoint,
        stopped: stopped?.reason,
      }));
    expect(progress(inside.result)).toEqual(progress(worker.result));
    expect(inside.result?.partitions.filter((p) => p.stopped)).toHaveLength(1);
    // The records filed right were folded inside Redis: only the stop was read by the worker's fold.
    expect(inside.reads).toBe(1);
    expect(worker.reads).toBeGreaterThan(3);
    expect(await snapshot(`i:${topic}`)).toEqual(await snapshot(`w:${topic}`));
  });

  test.each(Array.from({ length: Number(process.env.FOLD_SEEDS ?? 24) }, (_, i) => i + 1))(
    "random log %i: the same projection as the worker's fold",
    async (seed) => {
      const topic = `in-place-${seed}-${randomUUID()}`;
      const values = randomLog(seed, 60 + (seed % 5) * 30);
      await load(topic, values);
      const batchSize = 1 + rng(seed * 31).int(40);
      const worker = await foldAll(topic, `w:${topic}`, false, batchSize);
      const inside = await foldAll(topic, `i:${topic}`, true, batchSize);
      const progress = (r: CatchUpResult | undefined) =>
        r?.partitions.map(({ checkpoint, stopped, failed, caughtUp }) => ({
          checkpoint,
          stopped: stopped && { offset: stopped.offset, reason: stopped.reason },
          failed,
          caughtUp,
        }));
      expect(progress(inside.result)).toEqual(progress(worker.result));
      const projected = await snapshot(`i:${topic}`);
      expect(projected).toEqual(await snapshot(`w:${topic}`));
      // Live updates are told of every task of a named list that the projection holds (each changed at some point).
      const named = (lists: Record<string, Set<string>>) =>
        Object.entries(lists).flatMap(([listId, ids]) => [...ids].map((id) => `${listId} ${id}`));
      const held = ((projected.state ?? []) as Array<[string, string]>).flatMap(([id, json]) => {
        const state = JSON.parse(json);
        const listId = state.task?.listId ?? state.listId;
        return listId === undefined ? [] : [`${listId} ${id}`];
      });
      expect(named(inside.lists)).toEqual(expect.arrayContaining(held));
    },
  );
});

describe("one call of the fold inside Redis", () => {
  const topic = () => `one-call-${randomUUID()}`;
  const open = (t: string) => {
    const client = connectRedis({ url: local.stack.rest.url, token: TOKEN });
    const prefix = `one:${t}`;
    return {
      client,
      prefix,
      inPlace: createRedisInPlaceFold(client, prefix, t),
      lease: createRedisFoldLease(client, prefix),
      sink: createRedisFoldSink(client, prefix),
    };
  };
  const request = (from: number, token: string, limit = 10) => ({
    partition: 0,
    from,
    limit,
    partitions: 1,
    now: new Date(),
    lease: { token, ttlMs: 5000 },
    lists: true,
  });
  const creation = (id: string, listId?: string) =>
    encodeEvent({
      type: "TaskCreated",
      data: { text: "Buy milk", ...(listId && { listId }) },
      eventId: randomUUID(),
      schemaVersion: 1,
      taskId: id,
      version: 1,
      occurredAt: "2026-12-07T10:00:00.000Z",
      metadata: { requestId: "r-1" },
    });

  test("folds to the log's end and lets the lease go; names the named lists' tasks it changed", async () => {
    const t = topic();
    const { inPlace, lease } = open(t);
    const [a, b] = [randomUUID(), randomUUID()];
    await load(t, [creation(a), creation(b, "list-a")]);
    expect(await lease.claim(0, "mine", 5000)).toEqual({ claimed: true, checkpoint: 0 });

    expect(await inPlace.fold(request(0, "mine"))).toEqual({
      kind: "applied",
      checkpoint: 2,
      applied: 2,
      end: "done",
      lists: { "list-a": [b] },
    });
    expect(await lease.claim(0, "next", 5000)).toEqual({ claimed: true, checkpoint: 2 });
  });

  test("a poke marked more work: the mark is taken and the lease kept; nothing read, the lease ends as END_FOLD ends it", async () => {
    const t = topic();
    const { inPlace, lease } = open(t);
    await load(t, [creation(randomUUID())]);
    await lease.claim(0, "mine", 5000);
    expect(await lease.claim(0, "a poke", 5000)).toEqual({ claimed: false });

    expect(await inPlace.fold(request(0, "mine"))).toMatchObject({
      kind: "applied",
      checkpoint: 1,
      end: "more",
    });
    // Caught up: nothing read, and the fold ends.
    expect(await inPlace.fold(request(1, "mine"))).toEqual({
      kind: "applied",
      checkpoint: 1,
      applied: 0,
      end: "done",
    });
    expect(await inPlace.fold(request(1, "mine"))).toEqual({
      kind: "applied",
      checkpoint: 1,
      applied: 0,
      end: "lost",
    });
  });

  test("a batch short of the log's end keeps the lease; one that read a full limit does not end the fold", async () => {
    const t = topic();
    const { inPlace, lease } = open(t);
    await load(t, [creation(randomUUID()), creation(randomUUID()), creation(randomUUID())]);
    await lease.claim(0, "mine", 5000);

    expect(await inPlace.fold(request(0, "mine", 2))).toEqual({ kind: "applied", checkpoint: 2, applied: 2 });
    expect(await lease.claim(0, "other", 5000)).toEqual({ claimed: false });
  });

  test("another fold moved the checkpoint, or the projection has another partition count: nothing is written", async () => {
    const t = topic();
    const { inPlace, client, prefix } = open(t);
    await load(t, [creation(randomUUID())]);
    await client.redis.hset(`${prefix}:checkpoint`, { "0": "1" });
    expect(await inPlace.fold(request(0, "mine"))).toEqual({ kind: "moved", checkpoint: 1 });

    await client.redis.set(`${prefix}:partitions`, "4");
    expect(await inPlace.fold(request(1, "mine"))).toEqual({ kind: "mismatch", partitions: 4 });
  });

  test("a key of the wrong type is refused before anything is written", async () => {
    const t = topic();
    const { inPlace, client, prefix } = open(t);
    const id = randomUUID();
    await load(t, [creation(randomUUID()), creation(id)]);
    await client.redis.set(`${prefix}:history:${id}`, "not a list");

    await expect(inPlace.fold(request(0, "mine"))).rejects.toThrow(
      `${prefix}:history:${id} holds a string, not a list`,
    );
    expect(await client.redis.exists(`${prefix}:checkpoint`, `${prefix}:state`, `${prefix}:order`)).toBe(0);
  });

  test("a history of the wrong type is refused whether its task is stored already or new beside one that is", async () => {
    const t = topic();
    const { inPlace, client, prefix } = open(t);
    const [stored, fresh] = [randomUUID(), randomUUID()];
    const completion = encodeEvent({
      type: "TaskCompleted",
      data: {},
      eventId: randomUUID(),
      schemaVersion: 1,
      taskId: stored,
      version: 2,
      occurredAt: "2026-12-07T10:00:01.000Z",
      metadata: {},
    });
    await load(t, [completion, creation(fresh)]);
    const state = { id: stored, text: "x", done: false, createdAt: "c", updatedAt: "u", version: 1 };
    await client.redis.hset(`${prefix}:state`, {
      [stored]: JSON.stringify({ status: "active", task: state }),
    });
    await client.redis.set(`${prefix}:history:${stored}`, "not a list");
    await expect(inPlace.fold(request(0, "mine"))).rejects.toThrow(
      `${prefix}:history:${stored} holds a string, not a list`,
    );

    // The stored task's history right, the new task's wrong: every key is checked.
    await client.redis.del(`${prefix}:history:${stored}`);
    await client.redis.rpush(`${prefix}:history:${stored}`, "{}");
    await client.redis.set(`${prefix}:history:${fresh}`, "not a list");
    await expect(inPlace.fold(request(0, "mine"))).rejects.toThrow(
      `${prefix}:history:${fresh} holds a string, not a list`,
    );
    expect(await client.redis.exists(`${prefix}:checkpoint`, `${prefix}:order`)).toBe(0);
  });

  test("a stored state this release would not have written is the worker's fold's to read", async () => {
    const t = topic();
    const { inPlace, client, prefix } = open(t);
    const id = randomUUID();
    const completedNow = encodeEvent({
      type: "TaskCompleted",
      data: {},
      eventId: randomUUID(),
      schemaVersion: 1,
      taskId: id,
      version: 2,
      occurredAt: "2026-12-07T10:00:01.000Z",
      metadata: {},
    });
    await load(t, [completedNow]);
    const stored = {
      status: "active",
      task: { id, text: "x", done: false, createdAt: "c", updatedAt: "u", version: 1 },
    };
    await client.redis.hset(`${prefix}:state`, {
      [id]: JSON.stringify({ ...stored, task: { ...stored.task, extra: 1 } }),
    });

    expect(await inPlace.fold(request(0, "mine"))).toEqual({ kind: "handoff" });
    await client.redis.hset(`${prefix}:state`, { [id]: JSON.stringify(stored) });
    expect(await inPlace.fold(request(0, "mine"))).toMatchObject({
      kind: "applied",
      checkpoint: 1,
      applied: 1,
    });
  });
});
