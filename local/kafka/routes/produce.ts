/**
 * Producing (docs/protocols.md#producing): `POST /produce` (what the client uses; topic inside each message),
 * `GET|POST /produce/{topic}` and the legacy `GET /produce/{topic}/{message}?key=`. A body is one message or
 * an array; the answer is always an array of metadata in request order, except the legacy route's single
 * object. Every message is validated before anything is appended, so a bad batch appends nothing.
 */
import { json } from "../../common/emulator";
import { isRecord } from "../../common/json";
import type { KafkaContext, RouteHandler } from "../context";
import { badRequest } from "../errors";
import type { RecordHeader } from "../log/record-codec";
import {
  decodeSegment,
  parseJsonBody,
  readHeaders,
  readNonNegativeInteger,
  readTopicName,
} from "../request-parsing";

interface ProduceMessage {
  topic: string;
  partition: number | undefined;
  timestamp: number | undefined;
  key: string;
  value: string;
  headers: RecordHeader[];
}

export interface ProduceResult {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

function optional<T>(v: unknown, read: (v: unknown) => T): T | undefined {
  return v === undefined || v === null ? undefined : read(v);
}

function parseMessage(ctx: KafkaContext, raw: unknown, where: string, pathTopic?: string): ProduceMessage {
  if (!isRecord(raw)) throw badRequest(`${where} must be a JSON object`);
  const topic = pathTopic ?? readTopicName(raw.topic, where);
  if (typeof raw.value !== "string") {
    throw badRequest(`${where}: value must be a string (the client JSON-encodes any other value)`);
  }
  const key = optional(raw.key, (v) => {
    if (typeof v !== "string") throw badRequest(`${where}: key must be a string`);
    return v;
  });
  const partition = optional(raw.partition, (v) => {
    const p = readNonNegativeInteger(v, "partition", where);
    const count = ctx.storage.partitionCountFor(topic);
    if (p >= count)
      throw badRequest(`${where}: partition ${p} is out of range; topic ${topic} has ${count} partition(s)`);
    return p;
  });
  const timestamp = optional(raw.timestamp, (v) => readNonNegativeInteger(v, "timestamp", where));
  return {
    topic,
    partition,
    timestamp,
    key: key ?? "",
    value: raw.value,
    headers: readHeaders(raw.headers, where),
  };
}

function parseBody(ctx: KafkaContext, body: Buffer, pathTopic?: string): ProduceMessage[] {
  const parsed = parseJsonBody(body);
  if (Array.isArray(parsed)) return parsed.map((m, i) => parseMessage(ctx, m, `message ${i}`, pathTopic));
  if (isRecord(parsed)) return [parseMessage(ctx, parsed, "message", pathTopic)];
  throw badRequest("body must be a message object or an array of message objects");
}

/** Appends the messages (one durable append per partition) and answers their metadata in request order. */
async function produce(ctx: KafkaContext, messages: ProduceMessage[]): Promise<ProduceResult[]> {
  const now = Date.now();
  const batches = new Map<string, { topic: string; partition: number; indexes: number[] }>();
  messages.forEach((m, index) => {
    const partition = m.partition ?? ctx.storage.choosePartition(m.topic, m.key);
    const id = `${m.topic}/${partition}`;
    const batch = batches.get(id) ?? { topic: m.topic, partition, indexes: [] };
    batch.indexes.push(index);
    batches.set(id, batch);
  });
  const results: ProduceResult[] = new Array(messages.length);
  await Promise.all(
    [...batches.values()].map(async ({ topic, partition, indexes }) => {
      const log = (await ctx.storage.ensureTopic(topic)).partitions[partition];
      if (!log) throw new Error(`topic ${topic} has no partition ${partition}`);
      const batch = indexes.map((i) => messages[i]).filter((m) => m !== undefined);
      const stored = await log.append(
        batch.map((m) => ({ timestamp: m.timestamp ?? now, key: m.key, value: m.value, headers: m.headers })),
      );
      stored.forEach((record, j) => {
        const index = indexes[j];
        if (index !== undefined)
          results[index] = { topic, partition, offset: record.offset, timestamp: record.timestamp };
      });
    }),
  );
  return results;
}

export const produceRoute: RouteHandler = async (ctx, req) =>
  json(200, await produce(ctx, parseBody(ctx, req.body)));

export const produceToTopicRoute: RouteHandler = async (ctx, req, params) => {
  const topic = readTopicName(decodeSegment(params.topic ?? "", "topic"), "path");
  return json(200, await produce(ctx, parseBody(ctx, req.body, topic)));
};

export const produceFromPathRoute: RouteHandler = async (ctx, req, params) => {
  const topic = readTopicName(decodeSegment(params.topic ?? "", "topic"), "path");
  const value = decodeSegment(params.message ?? "", "message");
  const key = req.url.searchParams.get("key") ?? "";
  const [result] = await produce(ctx, [
    { topic, partition: undefined, timestamp: undefined, key, value, headers: [] },
  ]);
  return json(200, result);
};
