/**
 * What a catch-up reports: each partition's progress (where it started and ended, what it applied, rejected and
 * dead-lettered, and why it stopped short), and whether the whole run caught up.
 */
import type { PartitionStop } from "../../../shared/projection/problems";

export interface PartitionProgress {
  partition: number;
  from: number;
  checkpoint: number;
  applied: number;
  rejected: number;
  dead: number;
  /** Batches another invocation applied first (our compare-and-set lost). */
  contended: number;
  /** Stopped after losing MAX_CONTENTION compare-and-sets in a row: another invocation is advancing it. */
  yielded: boolean;
  /** Another invocation held the partition: it was marked for that fold to read again, and not read here. */
  coalesced: boolean;
  caughtUp: boolean;
  /** Present when the partition cannot be folded past `stopped.offset` by this projector (see PartitionStop). */
  stopped?: PartitionStop;
  /** Present when folding the partition failed (Redis or the log); the other partitions were still folded. */
  failed?: { service?: string; error: string };
}

export interface CatchUpResult {
  /** True when every partition reached the end of the log. */
  caughtUp: boolean;
  /** In partition order, whichever was folded first. */
  partitions: PartitionProgress[];
}

/** A partition's progress before its fold starts: nothing read, nothing claimed. */
export function notStarted(partition: number): PartitionProgress {
  return {
    partition,
    from: 0,
    checkpoint: 0,
    applied: 0,
    rejected: 0,
    dead: 0,
    contended: 0,
    yielded: false,
    coalesced: false,
    caughtUp: false,
  };
}

/** The partitions whose fold failed and the services that failed them, or undefined when none did. */
export function failures(result: CatchUpResult): { services: string; partitions: number[] } | undefined {
  const failed = result.partitions.filter((p) => p.failed);
  if (failed.length === 0) return undefined;
  const services = [...new Set(failed.map((p) => p.failed?.service ?? "projector"))].join(", ");
  return { services, partitions: failed.map((p) => p.partition) };
}
