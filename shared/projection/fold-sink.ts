/**
 * The fold's sink: where the projector reads the states a batch touches and applies the batch it folded, all of
 * it or nothing, atomically with the partition's checkpoint (compare-and-set on `batch.from`).
 */
import type { TaskState } from "../domain";
import { UpstreamError } from "../errors";
import type { FoldBatch } from "./fold";
import type { FoldEnd } from "./fold-lease";
import type { PartitionStop } from "./problems";

/** What became of a fold batch. */
export type ApplyOutcome =
  /** `end`, when the batch was to end the fold (`LeaseHold.finish`): what ending it found, as `FoldLease.finish`. */
  | { kind: "applied"; checkpoint: number; end?: FoldEnd }
  /** Another fold moved the checkpoint first; nothing was written. */
  | { kind: "moved"; checkpoint: number }
  /** The projection was folded with another partition count; nothing but the stop record was written. */
  | { kind: "mismatch"; partitions: number };

/** The fold's lease, which an applied batch renews while it is still the folder's. */
export interface LeaseHold {
  token: string;
  ttlMs: number;
  /**
   * The folder read to the log's end with this batch: once applied, end the fold in the same step, as
   * `FoldLease.finish` does (the lease let go unless a poke marked more work since), saving a round trip.
   */
  finish?: boolean;
}

/** How many of the newest dead letters and rejected events a sink keeps (the counters count them all). */
export const PROBLEMS_KEPT = 1000;

export interface FoldSink {
  /** The projected states of `ids` (absent for a task never folded). */
  states(ids: string[]): Promise<Map<string, TaskState>>;
  /**
   * Applies a fold batch atomically with the checkpoint, all of it or nothing, for a log of `partitions`
   * partitions, if the checkpoint is still `batch.from` and every state written is still at the version the batch
   * was folded from (otherwise an UpstreamError, nothing written). A batch with a `stop` records the stop; one
   * without clears the partition's. The first batch records the partition count; a batch of another count
   * changes nothing but the stop record (`mismatch`).
   */
  applyBatch(batch: FoldBatch, partitions: number, now?: Date, lease?: LeaseHold): Promise<ApplyOutcome>;
  /** The partitions that are stopped, with where and why. */
  stops(): Promise<Map<number, PartitionStop>>;
}

/** The refusal of a batch whose task `taskId` is at `storedVersion`, not the version the batch was folded from. */
export class StaleBatchError extends UpstreamError {
  override readonly name = "StaleBatchError";
  constructor(
    batch: FoldBatch,
    readonly taskId: string,
    readonly storedVersion: number,
  ) {
    super(
      "redis",
      `fold of partition ${batch.partition} from offset ${batch.from} refused, nothing written: task ${taskId} is ` +
        `at version ${storedVersion} in Redis, not the one the batch was folded from`,
    );
  }
}
