/**
 * Record batches over the Kafka emulator's partition log. Kafka (and Redpanda) store and serve whole batches, so
 * a fetch from an offset inside a batch answers the batch from its first record: offsets below the one asked
 * for. The shared storage keeps single records and no batch boundaries, so a batch here is a maximal run of
 * consecutive records with the same timestamp. Every produce stamps its records with one timestamp, so one
 * request's records to a partition always form (part of) one batch; requests stored within the same
 * millisecond merge into one batch, as pandaproxy's producer merges concurrent requests into one broker batch.
 * The boundaries thus survive restarts without a byte more on disk.
 */
import type { PartitionLog } from "../kafka/log/partition-log";
import type { StoredRecord } from "../kafka/log/record-codec";

export interface Batch {
  /** The batch's first offset. */
  base: number;
  records: StoredRecord[];
  /** Its size as Kafka would count it, roughly: see `batchBytes`. */
  bytes: number;
}

/** Kafka's record batch header (v2) is 61 bytes; a record adds its key, value and about 10 bytes of varints. */
const BATCH_HEADER_BYTES = 61;
const RECORD_OVERHEAD_BYTES = 10;

/** The approximate on-the-wire size of a batch of these records (keys and values are stored one char a byte). */
export function batchBytes(records: readonly { key: string; value: string }[]): number {
  return records.reduce(
    (sum, r) => sum + r.key.length + r.value.length + RECORD_OVERHEAD_BYTES,
    BATCH_HEADER_BYTES,
  );
}

/** The batch holding `offset`, which must be below the log's end. */
export function batchAt(log: PartitionLog, offset: number): Batch {
  const timestamp = log.timestampAt(offset);
  if (timestamp === undefined) throw new Error(`offset ${offset} is not below the end ${log.endOffset}`);
  let base = offset;
  while (base > 0 && log.timestampAt(base - 1) === timestamp) base -= 1;
  let end = offset + 1;
  while (end < log.endOffset && log.timestampAt(end) === timestamp) end += 1;
  const records = log.read(base, end - base);
  return { base, records, bytes: batchBytes(records) };
}

/**
 * What a fetch from `offset` answers: the batch holding it, then whole following batches while the total stays
 * within `maxBytes`. The first batch is served whatever its size, as Kafka does, so a consumer always progresses.
 */
export function batchesFrom(log: PartitionLog, offset: number, maxBytes: number): StoredRecord[] {
  const out: StoredRecord[] = [];
  let total = 0;
  let next = offset;
  while (next < log.endOffset) {
    const batch = batchAt(log, next);
    if (out.length > 0 && total + batch.bytes > maxBytes) break;
    out.push(...batch.records);
    total += batch.bytes;
    next = batch.base + batch.records.length;
  }
  return out;
}
