/**
 * Divides a group's partitions among its instances, like Kafka's round-robin assignor: for each topic, the
 * instances subscribed to it are sorted by name and partition p goes to instance p mod n. The result
 * depends only on membership, so a topic that grows (or appears) never moves partitions already assigned.
 */
import type { TopicPartition } from "./types";

export interface Member {
  name: string;
  topics: readonly string[];
}

export function assignPartitions(
  members: readonly Member[],
  partitionCount: (topic: string) => number,
): Map<string, TopicPartition[]> {
  const sorted = [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const result = new Map<string, TopicPartition[]>(sorted.map((m) => [m.name, []]));
  const topics = [...new Set(sorted.flatMap((m) => m.topics))].sort();
  for (const topic of topics) {
    const subscribers = sorted.filter((m) => m.topics.includes(topic));
    const count = partitionCount(topic);
    for (let partition = 0; partition < count; partition++) {
      const owner = subscribers[partition % subscribers.length];
      if (owner) result.get(owner.name)?.push({ topic, partition });
    }
  }
  return result;
}
