/**
 * Committing and reading a group's offsets, and closing an instance (docs/protocols.md#committed-offsets).
 * Offsets are stored and answered verbatim (Upstash's test commits N and expects N back); a partition the
 * group never committed answers -1. `commit` and `delete-consumer` answer `{"result":"Success","status":200}`.
 */
import { json } from "../../common/emulator";
import { isRecord } from "../../common/json";
import { type KafkaContext, type RouteHandler, SUCCESS } from "../context";
import { badRequest } from "../errors";
import type { TopicPartition, TopicPartitionOffset } from "../groups/types";
import {
  decodeSegment,
  parseJsonBody,
  readNonNegativeInteger,
  readPartition,
  readTopicName,
} from "../request-parsing";

function ids(params: Record<string, string>): { group: string; instance: string } {
  return {
    group: decodeSegment(params.group ?? "", "group"),
    instance: decodeSegment(params.instance ?? "", "instance"),
  };
}

function readTopicPartition(ctx: KafkaContext, entry: unknown, where: string): TopicPartition {
  if (!isRecord(entry)) throw badRequest(`${where} must be an object`);
  const topic = readTopicName(entry.topic, where);
  return { topic, partition: readPartition(entry.partition, topic, ctx.storage, where) };
}

/** A single object or an array of them, as the client sends either. */
function asList(body: unknown, shape: string): unknown[] {
  if (Array.isArray(body)) return body;
  if (isRecord(body)) return [body];
  throw badRequest(`body must be ${shape} or an array of them`);
}

export const commitRoute: RouteHandler = async (ctx, req, params) => {
  const { group, instance } = ids(params);
  const body = parseJsonBody(req.body);
  let offsets: TopicPartitionOffset[] | undefined;
  if (body !== undefined) {
    offsets = asList(body, "{topic, partition, offset}").map((entry, i) => {
      const tp = readTopicPartition(ctx, entry, `offset ${i}`);
      const offset = readNonNegativeInteger(
        (entry as Record<string, unknown>).offset,
        "offset",
        `offset ${i}`,
      );
      return { ...tp, offset };
    });
  }
  await ctx.groups.commit(group, instance, offsets);
  return json(200, SUCCESS);
};

export const committedRoute: RouteHandler = (ctx, req, params) => {
  const { group } = ids(params);
  const partitions = asList(parseJsonBody(req.body), "{topic, partition}").map((entry, i) =>
    readTopicPartition(ctx, entry, `entry ${i}`),
  );
  return json(200, ctx.groups.committed(group, partitions));
};

export const deleteConsumerRoute: RouteHandler = async (ctx, _req, params) => {
  const { group, instance } = ids(params);
  await ctx.groups.remove(group, instance);
  return json(200, SUCCESS);
};
