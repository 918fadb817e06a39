/**
 * The emulator's durable storage: one folder per topic under `dataDir`, holding `meta.json` (the partition
 * count, written atomically) and one append-only `<partition>.log` per partition. Topics are created on first
 * produce with the default partition count; every log is reloaded (and a torn tail repaired) at open.
 */
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { AppendSignal } from "./log/append-signal";
import { fsyncDirectory, writeFileAtomic } from "./log/atomic-file";
import { PartitionLog } from "./log/partition-log";
import { partitionForKey } from "./log/partitioner";
import { isValidTopicName } from "./topic-name";

export interface KafkaStorageOptions {
  dataDir: string;
  /** Partition count given to a topic created by its first produce. */
  defaultPartitions: number;
  /** Where recovery and I/O problems are reported (one line each). */
  log: (line: string) => void;
}

export interface TopicLog {
  name: string;
  partitions: readonly PartitionLog[];
}

export interface StorageStats {
  /** fdatasync calls made for appends since start: with group commit, fewer than `records`. */
  fsyncs: number;
  /** Records appended since start. */
  records: number;
}

interface TopicMeta {
  partitions: number;
}

function parseMeta(text: string): TopicMeta | undefined {
  try {
    const meta = JSON.parse(text) as { partitions?: unknown };
    const n = meta.partitions;
    return typeof n === "number" && Number.isInteger(n) && n >= 1 ? { partitions: n } : undefined;
  } catch {
    return undefined;
  }
}

export class KafkaStorage {
  private readonly topicLogs = new Map<string, TopicLog>();
  private readonly creating = new Map<string, Promise<TopicLog>>();
  private readonly roundRobin = new Map<string, number>();
  private readonly signal = new AppendSignal();
  private readonly counters: StorageStats = { fsyncs: 0, records: 0 };

  private constructor(private readonly opts: KafkaStorageOptions) {}

  /** Opens `opts.dataDir` (creating it if needed) and loads every topic in it. */
  static async open(opts: KafkaStorageOptions): Promise<KafkaStorage> {
    const storage = new KafkaStorage(opts);
    await mkdir(opts.dataDir, { recursive: true });
    for (const entry of await readdir(opts.dataDir, { withFileTypes: true })) {
      if (entry.isDirectory() && isValidTopicName(entry.name)) await storage.loadTopic(entry.name);
    }
    return storage;
  }

  get dataDir(): string {
    return this.opts.dataDir;
  }

  get defaultPartitions(): number {
    return this.opts.defaultPartitions;
  }

  topic(name: string): TopicLog | undefined {
    return this.topicLogs.get(name);
  }

  /** Topic name → partition count, sorted by name. */
  topicPartitionCounts(): Record<string, number> {
    const names = [...this.topicLogs.keys()].sort();
    return Object.fromEntries(names.map((name) => [name, this.topicLogs.get(name)?.partitions.length ?? 0]));
  }

  /** The partition count `name` has, or will have once its first produce creates it. */
  partitionCountFor(name: string): number {
    return this.topicLogs.get(name)?.partitions.length ?? this.opts.defaultPartitions;
  }

  /** Where a produce that names no partition goes: murmur2 of a non-empty key, else round-robin. */
  choosePartition(topic: string, key: string): number {
    const count = this.partitionCountFor(topic);
    if (key !== "") return partitionForKey(key, count);
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, (next + 1) % count);
    return next;
  }

  /** The topic, created durably (folders, empty logs, then meta.json) if it does not exist yet. */
  ensureTopic(name: string): Promise<TopicLog> {
    const existing = this.topicLogs.get(name);
    if (existing) return Promise.resolve(existing);
    let pending = this.creating.get(name);
    if (!pending) {
      pending = this.createTopic(name).finally(() => this.creating.delete(name));
      this.creating.set(name, pending);
    }
    return pending;
  }

  /**
   * Resolves when a record lands in a partition `interest` accepts or after `ms`; resolves `false` once the
   * storage is closing, when a long-poll should answer with what it has.
   */
  waitForAppend(interest: (topic: string, partition: number) => boolean, ms: number): Promise<boolean> {
    return this.signal.wait(interest, ms);
  }

  stats(): StorageStats {
    return { ...this.counters };
  }

  /** Releases long-polls, waits for in-flight appends to be durable, and closes every file. */
  async close(): Promise<void> {
    this.signal.close();
    await Promise.allSettled([...this.creating.values()]);
    await Promise.all([...this.topicLogs.values()].flatMap((t) => t.partitions.map((p) => p.close())));
  }

  private async createTopic(name: string): Promise<TopicLog> {
    const dir = join(this.opts.dataDir, name);
    await mkdir(dir, { recursive: true });
    const count = this.opts.defaultPartitions;
    const partitions = await this.openPartitions(name, count);
    // meta.json is written last: a folder without it is an interrupted creation and holds no acknowledged record.
    await writeFileAtomic(join(dir, "meta.json"), `${JSON.stringify({ partitions: count })}\n`);
    await fsyncDirectory(this.opts.dataDir);
    const topic: TopicLog = { name, partitions };
    this.topicLogs.set(name, topic);
    return topic;
  }

  private async loadTopic(name: string): Promise<void> {
    const dir = join(this.opts.dataDir, name);
    let text: string;
    try {
      text = await readFile(join(dir, "meta.json"), "utf8");
    } catch {
      this.opts.log(`[kafka] ${dir}: no meta.json (interrupted topic creation); ignored`);
      return;
    }
    const meta = parseMeta(text);
    if (!meta) throw new Error(`${join(dir, "meta.json")} is not {"partitions": <positive integer>}`);
    const partitions = await this.openPartitions(name, meta.partitions);
    this.topicLogs.set(name, { name, partitions });
  }

  private async openPartitions(topic: string, count: number): Promise<PartitionLog[]> {
    const logs: PartitionLog[] = [];
    for (let partition = 0; partition < count; partition++) {
      logs.push(
        await PartitionLog.open({
          path: join(this.opts.dataDir, topic, `${partition}.log`),
          label: `${topic}/${partition}`,
          log: this.opts.log,
          onAppend: () => this.signal.notify(topic, partition),
          onSync: (records) => {
            this.counters.fsyncs += 1;
            this.counters.records += records;
          },
        }),
      );
    }
    return logs;
  }
}
