/**
 * `POST /topics/{topic}` (pandaproxy `post_topics_name`): `{"records":[{"value", "key"?, "partition"?}]}` in the
 * embedded format of the Content-Type. The records of one request to one partition are one batch, so the answer
 * has one entry per partition, the batch's base offset: `{"offsets":[{"partition":0,"offset":N}]}`, not one per
 * record. A partition that cannot take its batch (unknown topic or partition: Kafka error 3; a batch over the
 * size limit: 10) gets `"error_code"` and offset -1 in that entry, and the answer is still 200.
 */
import { json } from "../../common/emulator";
import { isRecord } from "../../common/json";
import { isValidTopicName } from "../../kafka/topic-name";
import { batchBytes } from "../batches";
import { type ProxyContext, type RouteHandler, toStored } from "../context";
import { badParameter, PROXY_CODE, ProxyError } from "../errors";
import { acceptV2, decodeEmbedded, type EmbeddedFormat, MEDIA_TYPE, requestFormat } from "../formats";
import { decodeTopic } from "./params";

/** Kafka error codes a produce entry can carry. */
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const INVALID_TOPIC = 17;
const MESSAGE_TOO_LARGE = 10;

interface ProducedRecord {
  partition: number | undefined;
  key: string;
  value: string;
}

type OffsetEntry =
  | { partition: number; offset: number }
  | { partition: number; error_code: number; offset: -1 };

/** pandaproxy's parser fails on anything it does not expect, and answers 422 with where it stopped. */
function unprocessable(reason: string): ProxyError {
  return new ProxyError(PROXY_CODE.unprocessableEntity, `parse error: ${reason}`);
}

function parseRecord(format: EmbeddedFormat, raw: unknown, i: number): ProducedRecord {
  if (!isRecord(raw)) throw unprocessable(`records[${i}] must be an object`);
  for (const field of Object.keys(raw)) {
    if (field !== "value" && field !== "key" && field !== "partition") {
      throw unprocessable(`records[${i}] has an unknown field "${field}" (only value, key, partition)`);
    }
  }
  let partition: number | undefined;
  if (raw.partition !== undefined) {
    if (typeof raw.partition !== "number" || !Number.isInteger(raw.partition) || raw.partition < 0) {
      throw unprocessable(`records[${i}].partition must be a non-negative integer`);
    }
    partition = raw.partition;
  }
  const decode = (field: "key" | "value"): string => {
    if (!(field in raw)) return "";
    // In binary, null is no base64 string; in json it is the document `null`.
    const bytes = decodeEmbedded(format, raw[field]);
    if (!bytes) throw unprocessable(`records[${i}].${field} is not valid base64`);
    return toStored(bytes);
  };
  return { partition, key: decode("key"), value: decode("value") };
}

function parseBody(format: EmbeddedFormat, body: Buffer): ProducedRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw unprocessable((err as Error).message);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.records) || Object.keys(parsed).length !== 1) {
    throw unprocessable('the body must be {"records": [...]}');
  }
  if (parsed.records.length === 0) throw badParameter("records must not be empty");
  return parsed.records.map((r, i) => parseRecord(format, r, i));
}

async function produceTo(
  ctx: ProxyContext,
  topic: string,
  partition: number,
  records: ProducedRecord[],
  timestamp: number,
): Promise<OffsetEntry> {
  const refuse = (code: number): OffsetEntry => ({ partition, error_code: code, offset: -1 });
  const existing = ctx.storage.topic(topic);
  if (!existing && !ctx.autoCreateTopics) return refuse(UNKNOWN_TOPIC_OR_PARTITION);
  if (partition >= ctx.storage.partitionCountFor(topic)) return refuse(UNKNOWN_TOPIC_OR_PARTITION);
  if (batchBytes(records) > ctx.maxBatchBytes) return refuse(MESSAGE_TOO_LARGE);
  const log = (existing ?? (await ctx.storage.ensureTopic(topic))).partitions[partition];
  if (!log) return refuse(UNKNOWN_TOPIC_OR_PARTITION);
  const stored = await log.append(
    records.map((r) => ({ timestamp, key: r.key, value: r.value, headers: [] })),
  );
  return { partition, offset: stored[0]?.offset ?? -1 };
}

export const produceRoute: RouteHandler = async (ctx, req, params) => {
  const format = requestFormat(req.headers);
  acceptV2(req.headers);
  const topic = decodeTopic(params.topic);
  const records = parseBody(format, req.body);
  if (!isValidTopicName(topic)) {
    return json(
      200,
      { offsets: [{ partition: 0, error_code: INVALID_TOPIC, offset: -1 }] },
      { "content-type": MEDIA_TYPE.v2 },
    );
  }
  // One batch per partition, in the order partitions first appear; the partitioner runs before any append.
  const batches = new Map<number, ProducedRecord[]>();
  for (const record of records) {
    const partition = record.partition ?? ctx.storage.choosePartition(topic, record.key);
    const batch = batches.get(partition);
    if (batch) batch.push(record);
    else batches.set(partition, [record]);
  }
  const timestamp = Date.now();
  const offsets = await Promise.all(
    [...batches].map(([partition, batch]) => produceTo(ctx, topic, partition, batch, timestamp)),
  );
  return json(200, { offsets }, { "content-type": MEDIA_TYPE.v2 });
};
