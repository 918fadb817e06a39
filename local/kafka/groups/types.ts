/** Shapes shared by the consumer-group code and its routes (names follow the Upstash client's types). */
export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

export type OffsetReset = "earliest" | "latest" | "none";

/** Fixed by the call that creates an instance (the `Kafka-*` headers); later calls cannot change them. */
export interface InstanceSettings {
  autoCommit: boolean;
  autoCommitIntervalMs: number;
  offsetReset: OffsetReset;
  /** An instance not seen for this long is closed, as Upstash closed idle consumers. */
  sessionTimeoutMs: number;
}

/** Upstash's defaults: auto-commit on, every 5 s, start new groups at the end of the log, 120 s session. */
export const DEFAULT_INSTANCE_SETTINGS: InstanceSettings = {
  autoCommit: true,
  autoCommitIntervalMs: 5000,
  offsetReset: "latest",
  sessionTimeoutMs: 120_000,
};

/** Map key of a topic-partition; unambiguous because topic names cannot contain "/". */
export function tpKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

export function parseTpKey(key: string): TopicPartition {
  const slash = key.lastIndexOf("/");
  return { topic: key.slice(0, slash), partition: Number(key.slice(slash + 1)) };
}
