/**
 * The event log port. Nothing outside an adapter knows which log runs behind it.
 * A position is `(partition, offset)`; offsets start at 0 and grow by one per record within a partition.
 */

export interface Position {
  partition: number;
  offset: number;
}

export interface LogRecord extends Position {
  /** Epoch milliseconds at which the log stored the record; 0 when the log's API does not tell (Redpanda's HTTP Proxy). */
  timestamp: number;
  key: string;
  value: string;
}

export interface ReadOptions {
  /** At most this many records (the log may return fewer). */
  limit?: number;
  /** How long the log may wait for new records when `fromOffset` is at the end; 0 answers at once. */
  waitMs?: number;
}

/**
 * Work of another adapter on the log's own database, run by the append's script after its records are written
 * (`EventLog.appendWith`; the write guard's commit is one). `lua` defines `local function step(keys, args)`, which
 * answers an integer and cannot fail once it runs: the records before it are written, and a script does not roll
 * back. `keys` and `args` are what it gets. With `refuses`, `lua` also defines `local function check(keys, args)`,
 * run before anything is written: an answer other than nil refuses the append, which then writes nothing.
 */
export interface AppendStep {
  lua: string;
  keys: readonly string[];
  args: readonly string[];
  refuses?: boolean;
}

/** What `appendWith` answers: the records and the step's answer, or the check's refusal (nothing was written). */
export type StepAppend = { records: LogRecord[]; step: number } | { refused: unknown };

export interface EventLog {
  readonly partitions: number;
  /**
   * True when a read that answers fewer records than its limit, without a gap, reached the partition's end as it
   * was when the read ran (Redis Streams: one XRANGE with COUNT; the in-memory log). Kafka's fetches may stop short
   * at a byte limit with more records stored, so their adapters leave it unset.
   */
  readonly shortReadsEnd?: boolean;
  /** The partition a key's records go to: one key's records are always in one partition, in order. */
  partitionFor(key: string): number;
  /**
   * Appends records under `key`, in order, in one request; resolves once the log has acknowledged all of them
   * durably. One task's events of one command go together so that they are never split by another writer.
   */
  append(key: string, values: readonly string[]): Promise<LogRecord[]>;
  /**
   * Present only where the log is kept in a database that other adapters use too (Redis Streams in the
   * projection's own database; see identity.ts `guardedLog`): appends as `append` does, with `step` in the same
   * atomic call (its check before the records, its step after them).
   */
  appendWith?(key: string, values: readonly string[], step: AppendStep): Promise<StepAppend>;
  /** Records of `partition` from `fromOffset` (inclusive), in offset order; `[]` at the end or for an unknown topic. */
  read(partition: number, fromOffset: number, options?: ReadOptions): Promise<LogRecord[]>;
  /** The next offset to be written in `partition` (0 for an empty or unknown topic). */
  head(partition: number): Promise<number>;
}

/**
 * FNV-1a (32 bit) over the key's UTF-8 bytes, mod the partition count. Stable across runtimes and releases:
 * changing it would move a task's future events to another partition and break their order.
 */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  // Ids are ASCII, whose UTF-8 bytes are its code units: hashed without encoding (the fold checks every record).
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    if (unit >= 0x80) return fnv1a(new TextEncoder().encode(key)) % partitions;
    hash ^= unit;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
