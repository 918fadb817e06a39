/**
 * Copies an event log into a new, empty one with another partition count: every record, partition by partition in
 * offset order, appended under its own key, so that each lands in its task's partition of the new count and a
 * task's events keep their order (they all lived in one partition of the old log, read in order, and are appended
 * in order). Records of different tasks may interleave differently in the new log: no guarantee spans tasks.
 *
 * The old log must not move while it is copied (writes frozen; see docs/operations.md#changing-the-partition-count):
 * the copy reads up to the heads it found at its start and fails, naming the partitions, if any head moved since.
 * A copy that failed half-way is started again into another fresh topic: appends are not idempotent.
 */
import type { EventLog, LogRecord } from "../../shared/event-log/port";

export interface RepartitionOptions {
  /** Records per read of the old log (default 500). */
  batch?: number;
  /** Appends in flight at once, each for another task (default 8). */
  concurrency?: number;
  progress?: (message: string) => void;
}

export interface RepartitionResult {
  /** Records copied. */
  copied: number;
  /** The old log's heads, per partition, when the copy ran. */
  from: number[];
  /** The new log's heads, per partition, after it. */
  to: number[];
}

export class RepartitionError extends Error {
  override name = "RepartitionError";
}

function heads(log: EventLog): Promise<number[]> {
  return Promise.all(Array.from({ length: log.partitions }, (_, p) => log.head(p)));
}

/** Each key's records of `batch`, in their order, keys in the order they first appear. */
function byKey(batch: readonly LogRecord[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const r of batch) {
    const values = groups.get(r.key);
    if (values) values.push(r.value);
    else groups.set(r.key, [r.value]);
  }
  return [...groups.entries()].map(([key, values]) => [key, ...values]);
}

export async function repartition(
  source: EventLog,
  target: EventLog,
  options: RepartitionOptions = {},
): Promise<RepartitionResult> {
  const batch = options.batch ?? 500;
  const concurrency = options.concurrency ?? 8;
  const progress = options.progress ?? (() => {});
  const before = await heads(target);
  if (before.some((h) => h > 0)) {
    throw new RepartitionError(
      `the new log is not empty (heads ${before.join(", ")}): copy into a topic nothing has written to`,
    );
  }
  const from = await heads(source);
  let copied = 0;
  for (const [partition, head] of from.entries()) {
    let offset = 0;
    while (offset < head) {
      const records = (
        await source.read(partition, offset, { limit: Math.min(batch, head - offset) })
      ).filter((r) => r.offset < head);
      // Every record of the batch, not only its first: a copy that skipped one would lose that event for good.
      const gap = records.findIndex((r, i) => r.offset !== offset + i);
      if (records.length === 0 || gap >= 0) {
        const missing = offset + Math.max(gap, 0);
        throw new RepartitionError(
          `partition ${partition} of the old log has no record at offset ${missing}`,
        );
      }
      const groups = byKey(records);
      for (let i = 0; i < groups.length; i += concurrency) {
        await Promise.all(
          groups.slice(i, i + concurrency).map(([key = "", ...values]) => target.append(key, values)),
        );
      }
      offset = (records.at(-1)?.offset ?? offset) + 1;
      copied += records.length;
      progress(`partition ${partition}: ${offset}/${head}`);
    }
  }
  const after = await heads(source);
  const moved = after.flatMap((h, p) => (h === from[p] ? [] : [`${p} (${from[p]} to ${h})`]));
  if (moved.length > 0) {
    throw new RepartitionError(
      `writes reached the old log during the copy, partitions ${moved.join(", ")}: freeze writes, then copy again into a fresh topic`,
    );
  }
  return { copied, from, to: await heads(target) };
}
