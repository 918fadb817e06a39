/** What every route of the Redpanda HTTP Proxy emulator works with. */
import type { ContextHandler } from "../common/emulator";
import type { KafkaStorage } from "../kafka/storage";

export interface ProxyContext {
  /** The Kafka emulator's durable storage, opened on this emulator's own data folder. */
  storage: KafkaStorage;
  /** Whether a produce to an unknown topic creates it (Redpanda's `auto_create_topics_enabled`). */
  autoCreateTopics: boolean;
  /** Largest batch a partition accepts (Redpanda's `kafka_batch_max_bytes`, 1 MiB by default). */
  maxBatchBytes: number;
  /** Longest long-poll a fetch may ask for, in ms. */
  maxTimeoutMs: number;
}

export type RouteHandler = ContextHandler<ProxyContext>;

/** Keys and values are stored one char a byte (latin1), so any bytes round-trip through the shared storage. */
export const toStored = (bytes: Buffer): string => bytes.toString("latin1");
export const fromStored = (text: string): Buffer => Buffer.from(text, "latin1");
