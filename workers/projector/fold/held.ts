/** What a partition's fold runs on (catch-up.ts claims the partition, partition.ts folds it), and how it ends. */
import type { TaskState } from "../../../shared/domain";
import type { EventLog, Position } from "../../../shared/event-log/port";
import type { Logger } from "../../../shared/http/log";
import type { InPlaceFold } from "../../../shared/projection/fold-in-place";
import type { FoldClaim, FoldLease } from "../../../shared/projection/fold-lease";
import type { FoldSink } from "../../../shared/projection/fold-sink";
import type { CatchUpBudget, SubrequestMeter } from "./budget";
import type { PartitionProgress } from "./progress";

/**
 * How a partition's catch-up left its lease: still held (caught up or stopped short, as its progress says), let go
 * by the batch that ended the fold (caught up), or to be claimed again (no longer this fold's, or let go while
 * more records were found after all).
 */
export type Left = "held" | "done" | "lost";

export interface CatchUpDeps {
  log: EventLog;
  /** Where the fold reads states and applies its batches. */
  store: FoldSink;
  lease: FoldLease;
  logger: Logger;
  /** How long the lease lives (default LEASE_MS): `foldLeaseMs` of the time limits of the log and Redis in use. */
  leaseMs?: number;
  now?: () => number;
  /** Where in `only` to start (default: at random, so the order rotates across invocations). */
  start?: number;
  /** The invocation's subrequests, when it spends some besides this catch-up (default: the budget's own). */
  meter?: SubrequestMeter;
  /**
   * Told of each applied batch that changed tasks: the partition, the checkpoint after it, the tasks and their
   * states now (live updates: it sends one notice, a subrequest the fold keeps room for).
   */
  applied?: (batch: AppliedBatch) => void;
  /**
   * The record the poke was sent for (an append's last): on its partition, a short read that reaches it ends the
   * fold with nothing read ahead, as on a log whose short reads tell the end. Every record after it has a poke of
   * its own, which claims the partition once this fold lets it go or marks it for this fold to read again.
   */
  announced?: Position;
  /** A claim made already under `token` (the poke's first step), the first of its partition's. */
  claimed?: { partition: number; token: string; claim: FoldClaim };
  /**
   * The fold inside the database, where the log and the projection share one (see fold-in-place.ts): each batch is
   * then one call of it, and a record it hands over is folded here, one batch, before it takes over again.
   */
  inPlace?: InPlaceFold;
}

/** An applied batch, as live updates are told of it. */
export interface AppliedBatch {
  partition: number;
  /** The checkpoint after the batch: its last event is at `to - 1`. */
  to: number;
  taskIds: string[];
  states: ReadonlyMap<string, TaskState>;
  /**
   * The tasks changed per named list, when the fold inside the database told them (its states stay there: `taskIds`
   * are then these tasks and `states` is empty); otherwise they follow from `taskIds` and `states`.
   */
  lists?: Record<string, string[]>;
}

/** A partition held under the lease `token`, with what its fold needs. */
export interface Held {
  deps: CatchUpDeps;
  budget: CatchUpBudget;
  run: Run;
  progress: PartitionProgress;
  now: () => number;
  token: string;
  /** The offset of the record the poke was sent for, on this partition, when this claim folds for it. */
  announced?: number;
}

export type Run = {
  deadline: number;
  eventsLeft: number;
  leaseMs: number;
  meter: SubrequestMeter;
  /** What a batch needs beyond its read (BATCH_AFTER_READ, and its notice when live updates are on). */
  afterRead: number;
};
