/** The projector's state per partition: checkpoint, log head, lag, dead letters; plus totals and the newest problems. */
import type { EventLog } from "../event-log/port";
import type { DeadLetter, PartitionStop, RejectedEvent } from "./problems";
import type { ReadModel } from "./read-model";

/** A dead letter as shown: its raw value only to an admin (see the projector's admin.ts). */
export type ShownDeadLetter = Omit<DeadLetter, "value"> & { value?: string };

export interface ProjectionStatus {
  partitions: Array<{
    partition: number;
    checkpoint: number;
    head: number;
    lag: number;
    deadLettered: number;
    /** Present while the fold is stopped at an event it cannot fold (see PartitionStop). */
    stopped?: PartitionStop;
  }>;
  lag: number;
  applied: number;
  rejected: number;
  deadLettered: number;
  /** Fold batches applied, and folds whose compare-and-set lost (their work was thrown away). */
  folds: { applied: number; lost: number };
  deadLetters: ShownDeadLetter[];
  rejectedEvents: RejectedEvent[];
}

const SHOWN = 20;

export async function projectionStatus(log: EventLog, readModel: ReadModel): Promise<ProjectionStatus> {
  const partitionIds = Array.from({ length: log.partitions }, (_, i) => i);
  const [checkpoints, heads, counters, problems, stops] = await Promise.all([
    readModel.checkpoints(),
    Promise.all(partitionIds.map((p) => log.head(p))),
    readModel.counters(),
    readModel.problems(SHOWN),
    readModel.stops(),
  ]);
  const partitions = partitionIds.map((partition) => {
    const checkpoint = checkpoints.get(partition) ?? 0;
    const head = heads[partition] ?? 0;
    const deadLettered = counters.deadByPartition.get(partition) ?? 0;
    const stopped = stops.get(partition);
    return {
      partition,
      checkpoint,
      head,
      lag: Math.max(0, head - checkpoint),
      deadLettered,
      ...(stopped && { stopped }),
    };
  });
  return {
    partitions,
    lag: partitions.reduce((sum, p) => sum + p.lag, 0),
    applied: counters.applied,
    rejected: counters.rejected,
    deadLettered: counters.dead,
    folds: counters.folds,
    deadLetters: problems.dead,
    rejectedEvents: problems.rejected,
  };
}
