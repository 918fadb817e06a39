/**
 * The fold inside the database: where the event log and the projection share one Redis (the event log on Redis
 * Streams in the projection's database), one script reads a partition's records from its stream, decodes them,
 * folds them and writes the batch with the checkpoint, so that a batch costs one call and no record crosses the
 * network. It folds only what it can fold exactly as the worker's fold (shared/projection/fold.ts) would: the records
 * this release writes, byte for byte, whose events apply. At the first record it cannot (a list's event, an event that
 * no longer applies, one another release wrote, a gap), it stops and hands that record to the worker's fold, which
 * folds a batch from there and is the one source of every rule: the script is its fast path, held to it by a
 * differential test (test/projection/fold-in-place.test.ts).
 */
import type { FoldEnd } from "./fold-lease";

/** One call of the fold inside the database. */
export interface InPlaceRequest {
  partition: number;
  /** The checkpoint the fold holds: the call folds nothing unless it is still the stored one. */
  from: number;
  /** Records to read at most. */
  limit: number;
  /** The log's partition count, checked against the projection's as the worker's batches are. */
  partitions: number;
  now: Date;
  /** The fold's lease: renewed by a batch that applies, and let go by one that reaches the log's end (`end`). */
  lease: { token: string; ttlMs: number };
  /** Answer, per named list, the tasks the batch changed (live updates' notice). */
  lists: boolean;
}

export type InPlaceOutcome =
  /**
   * Folded from `from` to `checkpoint` (`applied` events). `end` when the call read to the log's end and so ended
   * the fold (as `FoldLease.finish`); `handoff` when it stopped at the record `checkpoint`, which the worker's fold
   * must take; `lists` when asked.
   */
  | {
      kind: "applied";
      checkpoint: number;
      applied: number;
      end?: FoldEnd;
      handoff?: true;
      lists?: Record<string, string[]>;
    }
  /** Nothing written: the record at `from` is the worker's fold's to take. */
  | { kind: "handoff" }
  /** Another fold moved the checkpoint first; nothing was written. */
  | { kind: "moved"; checkpoint: number }
  /** The projection was folded with another partition count; nothing but the stop record was written. */
  | { kind: "mismatch"; partitions: number };

export interface InPlaceFold {
  fold(request: InPlaceRequest): Promise<InPlaceOutcome>;
}
