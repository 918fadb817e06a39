/**
 * `GET /topics/{topic}/partitions/{partition}/records?offset=&timeout=&max_bytes=` (pandaproxy
 * `get_topics_records`): the stateless read of one partition from an offset. All three query parameters are
 * required; Accept must name the binary or json embedded format. The answer is a bare array of
 * `{topic, key, value, partition, offset}` (no timestamp, no headers) made of whole batches, so it can start
 * below `offset`. At the end of the log it waits up to `timeout` ms for a record, then answers `[]`; past the
 * end it is Kafka's `offset_out_of_range` (400, code 40002); an unknown topic or partition is 404, code 40402.
 * A record that is not JSON, fetched as json, fails the whole fetch with 408, code 40801.
 */
import { json } from "../../common/emulator";
import type { StoredRecord } from "../../kafka/log/record-codec";
import { batchesFrom } from "../batches";
import { fromStored, type RouteHandler } from "../context";
import { badParameter, PROXY_CODE, ProxyError } from "../errors";
import { type EmbeddedFormat, encodeEmbedded, MEDIA_TYPE, responseFormat, UNREPRESENTABLE } from "../formats";
import { decodeSegment, decodeTopic, integerParameter } from "./params";

const INT32_MAX = 2_147_483_647;

function serialize(format: EmbeddedFormat, topic: string, partition: number, record: StoredRecord) {
  const field = (name: "key" | "value", stored: string): unknown => {
    const out = encodeEmbedded(format, fromStored(stored));
    if (out === UNREPRESENTABLE) {
      throw new ProxyError(
        PROXY_CODE.serializationError,
        `Unable to serialize ${name} of record at offset ${record.offset} in topic:partition ${topic}:${partition}`,
      );
    }
    return out;
  };
  return {
    topic,
    key: field("key", record.key),
    value: field("value", record.value),
    partition,
    offset: record.offset,
  };
}

export const fetchRoute: RouteHandler = async (ctx, req, params) => {
  const format = responseFormat(req.headers);
  const topic = decodeTopic(params.topic);
  const partition = integerParameter(
    decodeSegment(params.partition, "partition_id"),
    "partition_id",
    0,
    INT32_MAX,
  );
  const query = req.url.searchParams;
  const offset = integerParameter(
    query.get("offset"),
    "offset",
    Number.MIN_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
  );
  const timeout = integerParameter(query.get("timeout"), "timeout", 0, Number.MAX_SAFE_INTEGER);
  const maxBytes = integerParameter(query.get("max_bytes"), "max_bytes", -INT32_MAX - 1, INT32_MAX);

  const log = ctx.storage.topic(topic)?.partitions[partition];
  if (!log) throw new ProxyError(PROXY_CODE.partitionNotFound, "unknown_topic_or_partition");
  if (offset < 0 || offset > log.endOffset) throw badParameter("offset_out_of_range");

  const deadline = Date.now() + Math.min(timeout, ctx.maxTimeoutMs);
  while (log.endOffset <= offset) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const wanted = (t: string, p: number) => t === topic && p === partition;
    if (!(await ctx.storage.waitForAppend(wanted, remaining))) break;
  }
  const records = log.endOffset > offset ? batchesFrom(log, offset, maxBytes) : [];
  const body = records.map((r) => serialize(format, topic, partition, r));
  return json(200, body, { "content-type": format === "binary" ? MEDIA_TYPE.binary : MEDIA_TYPE.json });
};
