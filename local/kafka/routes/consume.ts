/**
 * Consumer-group reads (docs/protocols.md#consumer-groups): `POST /consume/{group}/{instance}` with `{topic}` or `{topics}` and an
 * optional `timeout`, and the path-style `GET /consume/{group}/{instance}/{topic}?timeout=`. The `Kafka-*`
 * headers configure the instance on the call that creates it and are ignored afterwards.
 */
import type { IncomingHttpHeaders } from "node:http";
import { json } from "../../common/emulator";
import { isRecord } from "../../common/json";
import { type KafkaContext, type RouteHandler, toMessage } from "../context";
import { badRequest } from "../errors";
import { DEFAULT_INSTANCE_SETTINGS, type InstanceSettings, type OffsetReset } from "../groups/types";
import {
  decodeSegment,
  parseJsonBody,
  readTimeout,
  readTimeoutQuery,
  readTopicName,
} from "../request-parsing";

const DEFAULT_TIMEOUT_MS = 1000;
const RESETS: readonly OffsetReset[] = ["earliest", "latest", "none"];

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readMillisHeader(headers: IncomingHttpHeaders, name: string, fallback: number): number {
  const v = header(headers, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v.trim())) {
    const display = name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    throw badRequest(`header ${display} must be a non-negative integer of milliseconds`);
  }
  return Number(v.trim());
}

/** The instance settings the `Kafka-*` headers ask for, on top of Upstash's defaults. */
export function readInstanceSettings(headers: IncomingHttpHeaders): InstanceSettings {
  const d = DEFAULT_INSTANCE_SETTINGS;
  const autoCommit = header(headers, "kafka-enable-auto-commit")?.trim().toLowerCase();
  if (autoCommit !== undefined && autoCommit !== "true" && autoCommit !== "false") {
    throw badRequest('header Kafka-Enable-Auto-Commit must be "true" or "false"');
  }
  const reset = header(headers, "kafka-auto-offset-reset")?.trim().toLowerCase();
  if (reset !== undefined && !RESETS.includes(reset as OffsetReset)) {
    throw badRequest(`header Kafka-Auto-Offset-Reset must be one of ${RESETS.join(", ")}`);
  }
  return {
    autoCommit: autoCommit === undefined ? d.autoCommit : autoCommit === "true",
    autoCommitIntervalMs: readMillisHeader(headers, "kafka-auto-commit-interval", d.autoCommitIntervalMs),
    offsetReset: (reset as OffsetReset | undefined) ?? d.offsetReset,
    sessionTimeoutMs: readMillisHeader(headers, "kafka-session-timeout-ms", d.sessionTimeoutMs),
  };
}

function readTopics(body: Record<string, unknown>): string[] {
  const topics: string[] = [];
  if (body.topics !== undefined) {
    if (!Array.isArray(body.topics) || body.topics.length === 0) {
      throw badRequest("body: topics must be a non-empty array of topic names");
    }
    body.topics.forEach((t: unknown, i) => {
      topics.push(readTopicName(t, `topics[${i}]`));
    });
  }
  if (body.topic !== undefined) topics.push(readTopicName(body.topic, "body"));
  if (topics.length === 0) throw badRequest("body must name a topic (topic) or topics (topics)");
  return topics;
}

async function consume(
  ctx: KafkaContext,
  params: Record<string, string>,
  headers: IncomingHttpHeaders,
  topics: string[],
  timeoutMs: number,
) {
  const records = await ctx.groups.consume({
    group: decodeSegment(params.group ?? "", "group"),
    instance: decodeSegment(params.instance ?? "", "instance"),
    topics,
    settings: readInstanceSettings(headers),
    timeoutMs,
    maxRecords: ctx.maxFetchRecords,
  });
  return json(
    200,
    records.map((r) => toMessage(r.topic, r.partition, r.record)),
  );
}

export const consumeRoute: RouteHandler = (ctx, req, params) => {
  const body = parseJsonBody(req.body);
  if (!isRecord(body)) throw badRequest("body must be a JSON object {topic | topics, timeout?}");
  const timeout = readTimeout(body.timeout, DEFAULT_TIMEOUT_MS, ctx.maxTimeoutMs, "body");
  return consume(ctx, params, req.headers, readTopics(body), timeout);
};

export const consumeTopicRoute: RouteHandler = (ctx, req, params) => {
  const topic = readTopicName(decodeSegment(params.topic ?? "", "topic"), "path");
  const timeout = readTimeoutQuery(req.url.searchParams.get("timeout"), DEFAULT_TIMEOUT_MS, ctx.maxTimeoutMs);
  return consume(ctx, params, req.headers, [topic], timeout);
};
