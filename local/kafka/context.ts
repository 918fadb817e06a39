/** What every route of the Kafka emulator works with. */
import type { ContextHandler } from "../common/emulator";
import type { ConsumerGroups } from "./groups/consumer-groups";
import type { StoredRecord } from "./log/record-codec";
import type { KafkaStorage } from "./storage";

export interface KafkaContext {
  storage: KafkaStorage;
  groups: ConsumerGroups;
  /** Most records one fetch or consume answers with. */
  maxFetchRecords: number;
  /** Longest long-poll a request may ask for, in ms. */
  maxTimeoutMs: number;
}

export type RouteHandler = ContextHandler<KafkaContext>;

/** The `Message` object of fetch and consume answers (docs/protocols.md#messages). */
export interface KafkaMessage {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string;
  value: string;
  headers: { key: string; value: string }[];
}

export function toMessage(topic: string, partition: number, record: StoredRecord): KafkaMessage {
  return {
    topic,
    partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key,
    value: record.value,
    headers: record.headers.map((h) => ({ key: h.key, value: h.value })),
  };
}

/** The body Upstash answered `commit` and `delete-consumer` with; the client needs JSON, whatever it is. */
export const SUCCESS = { result: "Success", status: 200 } as const;
