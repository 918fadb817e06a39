/**
 * An entry of a Kafka-style answer (a fetched record, a produce's metadata), as the Upstash Kafka and the Redpanda
 * adapters both check it: it must name the topic and partition asked about and carry a whole offset from 0, so an
 * answer about another partition is never taken for this one's.
 */
import { isJsonRecord } from "../domain";

export type KafkaEntry = Record<string, unknown> & { offset: number };

/** `raw` as an entry of `topic`'s `partition`, or undefined when it is not one. */
export function entryOf(raw: unknown, topic: string, partition: number): KafkaEntry | undefined {
  if (!isJsonRecord(raw) || raw.topic !== topic || raw.partition !== partition) return undefined;
  const offset = raw.offset;
  return typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0
    ? { ...raw, offset }
    : undefined;
}
