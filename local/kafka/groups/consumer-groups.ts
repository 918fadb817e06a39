/**
 * Consumer groups as Upstash's REST server exposed them: a `(group, instance)` pair names a server-side
 * consumer created by its first consume call. Each group keeps durable committed offsets; each instance
 * keeps its positions (next offset to read) for the partitions assigned to it. Partitions are divided among
 * a group's instances (assignment.ts) and re-divided whenever an instance joins, leaves or re-subscribes.
 */
import { badRequest, notFound } from "../errors";
import type { StoredRecord } from "../log/record-codec";
import type { KafkaStorage } from "../storage";
import { assignPartitions } from "./assignment";
import {
  compareNames,
  describeGroup,
  type Group,
  type GroupView,
  type Instance,
  newInstance,
  sameTopics,
} from "./group-state";
import { GroupOffsetStore } from "./offset-store";
import {
  type InstanceSettings,
  parseTpKey,
  type TopicPartition,
  type TopicPartitionOffset,
  tpKey,
} from "./types";

export interface ConsumedRecord extends TopicPartition {
  record: StoredRecord;
}

export interface ConsumeRequest {
  group: string;
  instance: string;
  topics: string[];
  /** Used only if this call creates the instance. */
  settings: InstanceSettings;
  timeoutMs: number;
  maxRecords: number;
}

export class ConsumerGroups {
  private readonly groups = new Map<string, Group>();

  private constructor(
    private readonly storage: KafkaStorage,
    private readonly store: GroupOffsetStore,
    committed: Map<string, Map<string, number>>,
    private readonly now: () => number,
  ) {
    for (const [name, offsets] of committed)
      this.groups.set(name, { name, instances: new Map(), committed: offsets });
  }

  static async open(storage: KafkaStorage, now: () => number = Date.now): Promise<ConsumerGroups> {
    const { store, committed } = await GroupOffsetStore.open(storage.dataDir);
    return new ConsumerGroups(storage, store, committed, now);
  }

  /** Returns the next records of the instance's partitions, long-polling up to `timeoutMs` when there are none. */
  async consume(req: ConsumeRequest): Promise<ConsumedRecord[]> {
    await this.expireIdle();
    const group = this.group(req.group);
    const instance = await this.join(group, req);
    const run = instance.queue.then(() => this.poll(group, instance, req));
    instance.queue = run.catch(() => undefined);
    return run;
  }

  /** Commits `offsets` verbatim, or the instance's current positions when `offsets` is undefined. */
  async commit(
    groupId: string,
    instanceId: string,
    offsets: TopicPartitionOffset[] | undefined,
  ): Promise<void> {
    const group = this.group(groupId);
    if (offsets === undefined) {
      const instance = group.instances.get(instanceId);
      if (!instance) throw notFound(`consumer instance ${instanceId} of group ${groupId} does not exist`);
      return this.commitPositions(group, instance);
    }
    for (const o of offsets) group.committed.set(tpKey(o.topic, o.partition), o.offset);
    await this.persist(group);
  }

  /** The committed offset of each partition, -1 where the group never committed. */
  committed(groupId: string, partitions: TopicPartition[]): TopicPartitionOffset[] {
    const committed = this.groups.get(groupId)?.committed;
    return partitions.map(({ topic, partition }) => ({
      topic,
      partition,
      offset: committed?.get(tpKey(topic, partition)) ?? -1,
    }));
  }

  /** Closes an instance (committing its positions if it auto-commits); unknown group or instance → 404. */
  async remove(groupId: string, instanceId: string): Promise<void> {
    await this.expireIdle();
    const group = this.groups.get(groupId);
    if (!group) throw notFound(`consumer group ${groupId} does not exist`);
    const instance = group.instances.get(instanceId);
    if (!instance) throw notFound(`consumer instance ${instanceId} of group ${groupId} does not exist`);
    await this.leave(group, instance);
  }

  async list(): Promise<GroupView[]> {
    await this.expireIdle();
    return [...this.groups.values()]
      .filter((group) => group.instances.size > 0)
      .sort((a, b) => compareNames(a.name, b.name))
      .map((group) => describeGroup(group, this.assignment(group)));
  }

  async close(): Promise<void> {
    await this.store.flush();
  }

  private group(name: string): Group {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, instances: new Map(), committed: new Map() };
      this.groups.set(name, group);
    }
    return group;
  }

  private async join(group: Group, req: ConsumeRequest): Promise<Instance> {
    const now = this.now();
    let instance = group.instances.get(req.instance);
    if (instance && sameTopics(instance.topics, req.topics)) return instance;
    if (!instance) {
      instance = newInstance(req.instance, req.settings, now);
      group.instances.set(req.instance, instance);
    }
    instance.topics = [...new Set(req.topics)];
    await this.rebalance(group);
    return instance;
  }

  private async leave(group: Group, instance: Instance): Promise<void> {
    if (instance.settings.autoCommit) await this.commitPositions(group, instance);
    group.instances.delete(instance.name);
    await this.rebalance(group);
  }

  private async poll(group: Group, instance: Instance, req: ConsumeRequest): Promise<ConsumedRecord[]> {
    instance.polling += 1;
    instance.lastSeenAt = this.now();
    try {
      if (
        instance.settings.autoCommit &&
        this.now() - instance.lastCommitAt >= instance.settings.autoCommitIntervalMs
      ) {
        await this.commitPositions(group, instance);
      }
      const deadline = this.now() + req.timeoutMs;
      for (;;) {
        const records = this.readAssigned(group, instance, req.maxRecords);
        const remaining = deadline - this.now();
        if (records.length > 0 || remaining <= 0 || !group.instances.has(instance.name)) return records;
        const open = await this.storage.waitForAppend((topic) => instance.topics.includes(topic), remaining);
        if (!open) return records;
      }
    } finally {
      instance.polling -= 1;
      instance.lastSeenAt = this.now();
    }
  }

  private readAssigned(group: Group, instance: Instance, max: number): ConsumedRecord[] {
    const out: ConsumedRecord[] = [];
    for (const { topic, partition } of this.assignment(group).get(instance.name) ?? []) {
      const log = this.storage.topic(topic)?.partitions[partition];
      if (!log) continue;
      const key = tpKey(topic, partition);
      const position =
        instance.positions.get(key) ?? this.startingOffset(group, instance, key, log.endOffset);
      const records = log.read(position, max - out.length);
      instance.positions.set(key, position + records.length);
      for (const record of records) out.push({ topic, partition, record });
    }
    return out;
  }

  /** Where an instance starts on a newly assigned partition: the group's commit, else the reset policy. */
  private startingOffset(group: Group, instance: Instance, key: string, endOffset: number): number {
    const committed = group.committed.get(key);
    if (committed !== undefined) return committed;
    switch (instance.settings.offsetReset) {
      case "earliest":
        return 0;
      case "latest":
        return endOffset;
      case "none":
        throw badRequest(
          `no committed offset for ${key} in group ${group.name} and auto offset reset is "none"`,
        );
    }
  }

  private assignment(group: Group): Map<string, TopicPartition[]> {
    return assignPartitions(
      [...group.instances.values()],
      (t) => this.storage.topic(t)?.partitions.length ?? 0,
    );
  }

  /** After a membership change: each instance drops (and, auto-committing, commits) partitions it lost. */
  private async rebalance(group: Group): Promise<void> {
    const assignment = this.assignment(group);
    let changed = false;
    for (const instance of group.instances.values()) {
      const kept = new Set((assignment.get(instance.name) ?? []).map((tp) => tpKey(tp.topic, tp.partition)));
      for (const [key, position] of instance.positions) {
        if (kept.has(key)) continue;
        if (instance.settings.autoCommit) {
          group.committed.set(key, position);
          changed = true;
        }
        instance.positions.delete(key);
      }
    }
    if (changed) await this.persist(group);
  }

  private async commitPositions(group: Group, instance: Instance): Promise<void> {
    instance.lastCommitAt = this.now();
    if (instance.positions.size === 0) return;
    for (const [key, position] of instance.positions) group.committed.set(key, position);
    await this.persist(group);
  }

  private persist(group: Group): Promise<void> {
    return this.store.save(group.name, () =>
      [...group.committed].map(([key, offset]) => ({ ...parseTpKey(key), offset })),
    );
  }

  private async expireIdle(): Promise<void> {
    const now = this.now();
    for (const group of this.groups.values()) {
      for (const instance of [...group.instances.values()]) {
        if (instance.polling === 0 && now - instance.lastSeenAt > instance.settings.sessionTimeoutMs) {
          await this.leave(group, instance);
        }
      }
    }
  }
}
