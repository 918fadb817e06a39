/**
 * `POST /fetch` (docs/protocols.md#fetching): stateless reads of one or more partitions from given offsets. The client sends one
 * `{topic, partition, offset, timeout}` per partition by default; with `parallel: false` it sends one request
 * with a `topicPartitionOffsets` list, maybe beside a top-level partition. Records come in offset order,
 * starting at the offset, at most `maxFetchRecords` in all. With nothing to return it long-polls for up to
 * `timeout` ms (default 1000) and then answers `[]`.
 *
 * An unknown topic reads as an empty log (`[]` after the timeout), not an error: the official client retries
 * every error for 15 s, and a log nobody has written to yet is a normal thing to read. An invalid topic name,
 * a partition outside an existing topic's range, or a negative offset are 400s.
 */
import { json } from "../../common/emulator";
import { isRecord } from "../../common/json";
import { type KafkaContext, type KafkaMessage, type RouteHandler, toMessage } from "../context";
import { badRequest } from "../errors";
import {
  parseJsonBody,
  readNonNegativeInteger,
  readPartition,
  readTimeout,
  readTopicName,
} from "../request-parsing";

const DEFAULT_TIMEOUT_MS = 1000;

interface FetchTarget {
  topic: string;
  partition: number;
  offset: number;
}

function parseTarget(ctx: KafkaContext, raw: Record<string, unknown>, where: string): FetchTarget {
  const topic = readTopicName(raw.topic, where);
  const partition = readPartition(raw.partition, topic, ctx.storage, where);
  // Upstash's own docs fetch without an offset; that reads from the start of the log.
  const offset = raw.offset === undefined ? 0 : readNonNegativeInteger(raw.offset, "offset", where);
  return { topic, partition, offset };
}

function parseTargets(ctx: KafkaContext, body: Record<string, unknown>): FetchTarget[] {
  const targets: FetchTarget[] = [];
  const list = body.topicPartitionOffsets;
  if (list !== undefined) {
    if (!Array.isArray(list))
      throw badRequest("topicPartitionOffsets must be an array of {topic, partition, offset}");
    list.forEach((entry, i) => {
      const where = `topicPartitionOffsets[${i}]`;
      if (!isRecord(entry)) throw badRequest(`${where} must be an object`);
      targets.push(parseTarget(ctx, entry, where));
    });
  }
  if (body.topic !== undefined) targets.push(parseTarget(ctx, body, "body"));
  else if (body.partition !== undefined || body.offset !== undefined) {
    throw badRequest("body: partition and offset need a topic");
  }
  return targets;
}

function collect(ctx: KafkaContext, targets: FetchTarget[]): KafkaMessage[] {
  const out: KafkaMessage[] = [];
  for (const { topic, partition, offset } of targets) {
    const log = ctx.storage.topic(topic)?.partitions[partition];
    if (!log) continue;
    for (const record of log.read(offset, ctx.maxFetchRecords - out.length)) {
      out.push(toMessage(topic, partition, record));
    }
  }
  return out;
}

export const fetchRoute: RouteHandler = async (ctx, req) => {
  const body = parseJsonBody(req.body);
  if (!isRecord(body)) throw badRequest("body must be a JSON object {topic, partition, offset, timeout?}");
  const targets = parseTargets(ctx, body);
  const timeout = readTimeout(body.timeout, DEFAULT_TIMEOUT_MS, ctx.maxTimeoutMs, "body");
  if (targets.length === 0) return json(200, []);
  const deadline = Date.now() + timeout;
  const wanted = (topic: string, partition: number) =>
    targets.some((t) => t.topic === topic && t.partition === partition);
  for (;;) {
    const messages = collect(ctx, targets);
    const remaining = deadline - Date.now();
    if (messages.length > 0 || remaining <= 0) return json(200, messages);
    if (!(await ctx.storage.waitForAppend(wanted, remaining))) return json(200, messages);
  }
};
