/**
 * `POST /offsets/{timestamp}` (docs/protocols.md#offsets-by-time): for each `{topic, partition}` of the body, `earliest` is the log start
 * (always 0 here: nothing is deleted), `latest` the end offset (next to be written), and a number the first
 * offset whose record timestamp is at or after it (Kafka's offsetsForTimes), or the end offset when none is.
 * Numbers below 10^11 are seconds (the docs and Upstash's tests pass seconds), others milliseconds.
 * An unknown topic is an empty log: offset 0.
 */
import { json } from "../../common/emulator";
import { isRecord } from "../../common/json";
import type { RouteHandler } from "../context";
import { badRequest } from "../errors";
import type { PartitionLog } from "../log/partition-log";
import { decodeSegment, parseJsonBody, readPartition, readTopicName } from "../request-parsing";

const SECONDS_BELOW = 1e11;

type Position = "earliest" | "latest" | number;

function parsePosition(raw: string): Position {
  if (raw === "earliest" || raw === "latest") return raw;
  if (!/^\d{1,16}$/.test(raw)) {
    throw badRequest(
      `path: timestamp must be "earliest", "latest" or epoch seconds or milliseconds, got ${raw}`,
    );
  }
  const n = Number(raw);
  return n < SECONDS_BELOW ? n * 1000 : n;
}

function offsetAt(log: PartitionLog | undefined, position: Position): number {
  if (!log || position === "earliest") return 0;
  if (position === "latest") return log.endOffset;
  return log.offsetForTime(position);
}

export const offsetsRoute: RouteHandler = (ctx, req, params) => {
  const position = parsePosition(decodeSegment(params.timestamp ?? "", "timestamp"));
  const body = parseJsonBody(req.body);
  const list = isRecord(body) ? [body] : body;
  if (!Array.isArray(list)) throw badRequest("body must be an array of {topic, partition}");
  const answer = list.map((entry: unknown, i) => {
    const where = `entry ${i}`;
    if (!isRecord(entry)) throw badRequest(`${where} must be an object {topic, partition}`);
    const topic = readTopicName(entry.topic, where);
    const partition = readPartition(entry.partition, topic, ctx.storage, where);
    return { topic, partition, offset: offsetAt(ctx.storage.topic(topic)?.partitions[partition], position) };
  });
  return json(200, answer);
};
