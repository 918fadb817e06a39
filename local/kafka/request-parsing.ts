/**
 * Validation of request bodies and path segments. Every problem is a 400 naming the field and what was
 * wrong, because the official client shows only the `error` text, after retrying for 15 s.
 */

import { isRecord } from "../common/json";
import { badRequest } from "./errors";
import type { RecordHeader } from "./log/record-codec";
import type { KafkaStorage } from "./storage";
import { topicNameProblem } from "./topic-name";

/** The JSON body, or undefined when the body is empty; malformed JSON is a 400 with the parser's reason. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`malformed JSON body: ${(err as Error).message}`);
  }
}

/** A path segment as the client meant it: the client does not encode segments, but fetch encodes spaces. */
export function decodeSegment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`${what} ${JSON.stringify(raw)} has malformed percent-encoding`);
  }
}

export function readTopicName(v: unknown, where: string): string {
  if (typeof v !== "string") throw badRequest(`${where}: topic must be a string`);
  const problem = topicNameProblem(v);
  if (problem) throw badRequest(`${where}: ${problem}`);
  return v;
}

export function readNonNegativeInteger(v: unknown, field: string, where: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw badRequest(
      `${where}: ${field} must be a non-negative integer, got ${JSON.stringify(v) ?? "nothing"}`,
    );
  }
  return v;
}

/** A partition number that exists in `topic`, or (for a topic not created yet) in any topic it could become. */
export function readPartition(v: unknown, topic: string, storage: KafkaStorage, where: string): number {
  const partition = readNonNegativeInteger(v, "partition", where);
  const existing = storage.topic(topic);
  if (existing && partition >= existing.partitions.length) {
    throw badRequest(
      `${where}: partition ${partition} is out of range; topic ${topic} has ${existing.partitions.length} partition(s)`,
    );
  }
  return partition;
}

export function readHeaders(v: unknown, where: string): RecordHeader[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest(`${where}: headers must be an array of {key, value} strings`);
  return v.map((h, i) => {
    if (!isRecord(h) || typeof h.key !== "string" || typeof h.value !== "string") {
      throw badRequest(`${where}: headers[${i}] must be an object with string key and value`);
    }
    return { key: h.key, value: h.value };
  });
}

/** A long-poll timeout in ms: absent → `fallback`; larger than `cap` → `cap`. */
export function readTimeout(v: unknown, fallback: number, cap: number, where: string): number {
  if (v === undefined || v === null) return Math.min(fallback, cap);
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw badRequest(`${where}: timeout must be a non-negative number of milliseconds`);
  }
  return Math.min(Math.floor(v), cap);
}

/** `?timeout=` of the path-style routes. */
export function readTimeoutQuery(raw: string | null, fallback: number, cap: number): number {
  if (raw === null || raw === "") return Math.min(fallback, cap);
  if (!/^\d+$/.test(raw)) throw badRequest(`query: timeout must be a non-negative integer of milliseconds`);
  return readTimeout(Number(raw), fallback, cap, "query");
}
