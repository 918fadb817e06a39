/**
 * Backlogs written straight into a design's topic, bypassing its command worker: what the fold and list
 * scenarios project. Ours are real encoded envelopes (shared/domain), the baseline's are the original's task
 * JSON; both are the same mix of operations over the same number of tasks.
 */
import { randomUUID } from "node:crypto";
import { Kafka } from "@upstash/kafka";
import { eventLogConfig, type RedisStreamsConfig, type RedpandaConfig } from "../shared/config/event-log";
import { encodeEvent, makeEnvelopes, type TaskCommand, type TaskEvent } from "../shared/domain";
import { createEventLog } from "../shared/event-log/create";
import { nextOffsetKey, streamKey } from "../shared/event-log/redis-streams/event-log";
import { listCipher } from "../shared/lists/cipher";
import type { DesignPair } from "./system";

/** One record to produce: the Kafka key and value. */
export interface BacklogRecord {
  key: string;
  value: string;
}

export interface BacklogShape {
  /** Records in all. */
  events: number;
  /** Every `updateEvery`-th record completes the task created just before it; the others create tasks. */
  updateEvery?: number;
}

function ourRecord(
  taskId: string,
  command: TaskCommand,
  event: TaskEvent,
  baseVersion: number,
  eventId: string = randomUUID(),
): BacklogRecord {
  const [envelope] = makeEnvelopes(command, [event], { eventIds: [eventId], baseVersion });
  if (!envelope) throw new Error("makeEnvelopes returned nothing");
  return { key: taskId, value: encodeEvent(envelope) };
}

/**
 * Builds the records of a backlog for `design`: creates, and every `updateEvery`-th a completion; ours' on the
 * named list `listId` when given (its words clear, as on a list minted before lists had keys), else the default list.
 */
export function buildBacklog(
  design: DesignPair["design"],
  shape: BacklogShape,
  label: string,
  listId?: string,
): BacklogRecord[] {
  const listed = listId === undefined ? {} : { listId };
  const records: BacklogRecord[] = [];
  const every = shape.updateEvery ?? 0;
  let last: { id: string; text: string; baselineId: number } | undefined;
  const start = Date.now();
  for (let i = 0; i < shape.events; i++) {
    const now = new Date(start + i).toISOString();
    if (every > 0 && i % every === every - 1 && last) {
      const { id, text, baselineId } = last;
      records.push(
        design === "ours"
          ? ourRecord(
              id,
              { type: "UpdateTask", data: { taskId: id, text, done: true }, metadata: { now } },
              { type: "TaskCompleted", data: {} },
              1,
            )
          : { key: "", value: JSON.stringify({ id: baselineId, text, done: true }) },
      );
      continue;
    }
    const text = `${label} task ${i}`;
    if (design === "ours") {
      const id = randomUUID();
      records.push(
        ourRecord(
          id,
          { type: "CreateTask", data: { taskId: id, text, ...listed }, metadata: { now } },
          { type: "TaskCreated", data: { text, ...listed } },
          0,
        ),
      );
      last = { id, text, baselineId: 0 };
    } else {
      // The original's id: a millisecond timestamp plus a random fraction.
      const baselineId = start + i + Math.random();
      records.push({ key: "", value: JSON.stringify({ id: baselineId, text, done: false }) });
      last = { id: String(baselineId), text, baselineId };
    }
  }
  return records;
}

/**
 * The same mix as `buildBacklog` for ours, on the named list `listId`, every text sealed with the list's data key
 * (`key`, base64url as the registry holds it) by the code the command worker seals with (shared/lists/cipher.ts),
 * bound to the id of the event that carries it: the records the command worker would have appended.
 */
export async function buildSealedBacklog(
  shape: BacklogShape,
  label: string,
  list: { id: string; key: string },
): Promise<BacklogRecord[]> {
  const cipher = listCipher(list.key);
  const records: BacklogRecord[] = [];
  const every = shape.updateEvery ?? 0;
  let last: { id: string; text: string } | undefined;
  const start = Date.now();
  for (let i = 0; i < shape.events; i++) {
    const now = new Date(start + i).toISOString();
    if (every > 0 && i % every === every - 1 && last) {
      const { id, text } = last;
      records.push(
        ourRecord(
          id,
          { type: "UpdateTask", data: { taskId: id, text, done: true }, metadata: { now } },
          { type: "TaskCompleted", data: {} },
          1,
        ),
      );
      continue;
    }
    const id = randomUUID();
    const text = `${label} task ${i}`;
    const eventId = randomUUID();
    const sealed = await cipher.seal(eventId, text);
    records.push(
      ourRecord(
        id,
        { type: "CreateTask", data: { taskId: id, text, listId: list.id }, metadata: { now } },
        { type: "TaskCreated", data: { text: sealed, listId: list.id } },
        0,
        eventId,
      ),
    );
    last = { id, text };
  }
  return records;
}

const CHUNK = 5000;

/**
 * Produces records to the pair's topic, partition 0, in large batches: with the official client's `produceMany`
 * on Kafka, as pipelined XADDs in the adapter's format on Redis Streams, else one append at a time.
 */
export async function produceBacklog(pair: DesignPair, records: readonly BacklogRecord[]): Promise<void> {
  const config = eventLogConfig(pair.env);
  if (config.backend === "redis-streams") return loadStream(config, records);
  if (config.backend === "redpanda") return loadTopic(config, records);
  if (config.backend !== "upstash-kafka") {
    const log = createEventLog(config);
    for (const r of records) await log.append(r.key, [r.value]);
    return;
  }
  const kafka = new Kafka({
    url: pair.env.UPSTASH_KAFKA_URL ?? "",
    username: pair.env.UPSTASH_KAFKA_USERNAME ?? "",
    password: pair.env.UPSTASH_KAFKA_PASSWORD ?? "",
  });
  const producer = kafka.producer();
  for (let i = 0; i < records.length; i += CHUNK) {
    await producer.produceMany(
      records.slice(i, i + CHUNK).map((r) => ({
        topic: pair.topic,
        value: r.value,
        partition: 0,
        ...(r.key ? { key: r.key } : {}),
      })),
    );
  }
}

/**
 * Records per produce request to Redpanda, so one batch each: under its 1 MiB batch limit, and aligned with the
 * fold's batches of 500, since a read from inside a batch also hauls the batch's records below it (the workers'
 * own batches are one command each, so a fold of what they wrote barely pays for that).
 */
const REDPANDA_CHUNK = 500;

/** Produces records to partition 0 through Redpanda's HTTP Proxy, many per request, as the adapter encodes them. */
async function loadTopic(config: RedpandaConfig, records: readonly BacklogRecord[]): Promise<void> {
  const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
  const headers: Record<string, string> = { "content-type": "application/vnd.kafka.binary.v2+json" };
  if (config.username !== undefined)
    headers.authorization = `Basic ${b64(`${config.username}:${config.password}`)}`;
  for (let i = 0; i < records.length; i += REDPANDA_CHUNK) {
    const chunk = records.slice(i, i + REDPANDA_CHUNK).map((r) => ({
      ...(r.key ? { key: b64(r.key) } : {}),
      value: b64(r.value),
      partition: 0,
    }));
    const res = await fetch(`${config.url}/topics/${config.topic}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ records: chunk }),
    });
    const answer = (await res.json()) as { offsets?: Array<{ error_code?: number }> };
    const failed = answer.offsets?.find((o) => o.error_code !== undefined);
    if (!res.ok || !answer.offsets || failed) {
      throw new Error(`loading the topic failed: ${res.status} ${JSON.stringify(answer).slice(0, 200)}`);
    }
  }
}

/**
 * Writes records after the stream's end with the ids and fields the Redis Streams adapter writes, and moves its
 * next-offset counter past them, as the append script would.
 */
async function loadStream(config: RedisStreamsConfig, records: readonly BacklogRecord[]): Promise<void> {
  const key = streamKey(config.topic, 0);
  let offset = await createEventLog({ backend: "redis-streams", ...config }).head(0);
  const t = String(Date.now());
  for (let i = 0; i < records.length; i += CHUNK) {
    const commands = records
      .slice(i, i + CHUNK)
      .map((r) => ["XADD", key, `${offset++}-1`, "k", r.key, "v", r.value, "t", t]);
    const res = await fetch(`${config.url}/pipeline`, {
      method: "POST",
      headers: { authorization: `Bearer ${config.token}`, "content-type": "application/json" },
      body: JSON.stringify(commands),
    });
    const answer = (await res.json()) as Array<{ error?: string }>;
    const failed = Array.isArray(answer) ? answer.find((a) => a.error) : { error: `HTTP ${res.status}` };
    if (!res.ok || failed) throw new Error(`loading the stream failed: ${failed?.error ?? res.status}`);
  }
  // The adapter's next offset, as its append script would have left it.
  const res = await fetch(config.url, {
    method: "POST",
    headers: { authorization: `Bearer ${config.token}`, "content-type": "application/json" },
    body: JSON.stringify(["SET", nextOffsetKey(config.topic, 0), offset]),
  });
  if (!res.ok) throw new Error(`setting the stream's next offset failed: ${res.status}`);
}
