/** The in-memory state of consumer groups and instances, and how `GET /consumers` describes it. */
import type { InstanceSettings, TopicPartition } from "./types";

export interface Instance {
  name: string;
  topics: string[];
  settings: InstanceSettings;
  /** Next offset to read, per assigned topic-partition (tpKey). */
  positions: Map<string, number>;
  lastCommitAt: number;
  lastSeenAt: number;
  /** Consume calls in progress: an instance that is polling is never idle. */
  polling: number;
  /** Consume calls of one instance run one at a time, like calls on one Kafka consumer. */
  queue: Promise<unknown>;
}

export interface Group {
  name: string;
  instances: Map<string, Instance>;
  /** Committed offsets per tpKey, stored verbatim. */
  committed: Map<string, number>;
}

/** One entry of `GET /consumers` (docs/protocols.md#topics-and-consumers). */
export interface GroupView {
  name: string;
  instances: { name: string; topics: { topic: string; partitions: number[] }[] }[];
}

export function newInstance(name: string, settings: InstanceSettings, now: number): Instance {
  return {
    name,
    topics: [],
    settings,
    positions: new Map(),
    lastCommitAt: now,
    lastSeenAt: now,
    polling: 0,
    queue: Promise.resolve(),
  };
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(b);
  return a.length === set.size && a.every((t) => set.has(t));
}

/** The group's instances (sorted by name) with the partitions of each subscribed topic assigned to them. */
export function describeGroup(group: Group, assignment: Map<string, TopicPartition[]>): GroupView {
  const instances = [...group.instances.values()].sort((a, b) => compareNames(a.name, b.name));
  return {
    name: group.name,
    instances: instances.map((instance) => {
      const assigned = assignment.get(instance.name) ?? [];
      const topics = [...instance.topics].sort().map((topic) => ({
        topic,
        partitions: assigned.filter((tp) => tp.topic === topic).map((tp) => tp.partition),
      }));
      return { name: instance.name, topics };
    }),
  };
}
