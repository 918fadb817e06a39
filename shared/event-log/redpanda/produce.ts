/**
 * The produce side of the Redpanda adapter: what it refuses before sending, and what a produce answer means.
 * Pandaproxy answers 200 even when Kafka refused the batch, with `error_code` in the partition's entry.
 */
import { isJsonRecord } from "../../domain";
import { UpstreamError, UpstreamUnknownOutcomeError } from "../../errors";
import { RedpandaRefusal } from "./http";

/**
 * Largest append: the UTF-8 bytes of all of one command's values and keys. Redpanda refuses a batch over
 * `kafka_batch_max_bytes` (1 MiB by default) with Kafka error 10; this keeps a margin for the batch header and
 * the records' framing, and refuses before sending anything.
 */
export const MAX_APPEND_BYTES = 1_000_000;
/** Largest record value, in UTF-8 bytes: any single record fits an append with room for a small neighbour. */
export const MAX_RECORD_BYTES = 900_000;

/**
 * Kafka errors in a produce answer that every attempt of the proxy's client would get again for this request,
 * so no attempt can have stored it: unknown topic or partition, corrupt message, message too large, record
 * list too large, invalid topic, topic authorization failed, invalid record. Anything else (a timeout, not
 * enough replicas after append, a leader change) may follow an attempt that was stored.
 */
const DETERMINISTIC_PRODUCE_ERRORS = new Set([2, 3, 10, 17, 18, 29, 87]);

interface ProducedEntry {
  partition: number;
  offset: number;
  errorCode: number | undefined;
}

function producedEntry(raw: unknown): ProducedEntry | undefined {
  if (!isJsonRecord(raw) || typeof raw.partition !== "number" || typeof raw.offset !== "number")
    return undefined;
  const errorCode = typeof raw.error_code === "number" ? raw.error_code : undefined;
  return { partition: raw.partition, offset: raw.offset, errorCode };
}

/** Refuses, before any request, an append Redpanda would refuse as too large (nothing is sent, so nothing is stored). */
export function checkSize(key: string, values: readonly string[]): void {
  const encoder = new TextEncoder();
  const keyBytes = encoder.encode(key).byteLength;
  let total = 0;
  for (const value of values) {
    const bytes = encoder.encode(value).byteLength;
    if (bytes > MAX_RECORD_BYTES) {
      throw new UpstreamError(
        "kafka",
        `a record of ${bytes} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`,
        413,
      );
    }
    total += bytes + keyBytes;
  }
  if (total > MAX_APPEND_BYTES) {
    throw new UpstreamError(
      "kafka",
      `an append of ${total} bytes exceeds the ${MAX_APPEND_BYTES}-byte limit`,
      413,
    );
  }
}

/**
 * The base offset of the one batch a produce sent to `partition`, from the proxy's answer
 * `{"offsets":[{"partition","offset"}]}`: one entry per partition batch, not per record. A Kafka error that no
 * attempt could have got past is a refusal; any other error, or an answer that does not say, is unknown.
 */
export function baseOffset(answer: unknown, topic: string, partition: number): number {
  const offsets = isJsonRecord(answer) && Array.isArray(answer.offsets) ? answer.offsets : [];
  const entries = offsets.map(producedEntry);
  const entry = entries.length === 1 ? entries[0] : undefined;
  if (!entry || entry.partition !== partition) {
    throw new UpstreamUnknownOutcomeError(
      "kafka",
      `produce answered ${JSON.stringify(answer).slice(0, 200)} for one batch to partition ${partition}`,
    );
  }
  if (entry.errorCode !== undefined) {
    const message = `produce to ${topic}/${partition} failed with Kafka error ${entry.errorCode}`;
    if (!DETERMINISTIC_PRODUCE_ERRORS.has(entry.errorCode))
      throw new UpstreamUnknownOutcomeError("kafka", message);
    const hint =
      entry.errorCode === 3
        ? " (unknown topic or partition: create the topic with enough partitions first)"
        : entry.errorCode === 10
          ? " (message too large: the batch exceeds the topic's max.message.bytes)"
          : "";
    throw new RedpandaRefusal(`${message}${hint}`, 200, entry.errorCode);
  }
  if (!Number.isSafeInteger(entry.offset) || entry.offset < 0) {
    throw new UpstreamUnknownOutcomeError("kafka", `produce answered offset ${entry.offset}`);
  }
  return entry.offset;
}
