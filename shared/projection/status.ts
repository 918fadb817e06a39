/** The projector's state per partition: checkpoint, log head, lag, dead letters; plus totals and the newest problems. */
import type { EventLog } from "../event-log/port";
import { boundReason } from "./fold";
import type { PartitionStop, ProjectionStore } from "./store";

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
  deadLetters: unknown[];
  rejectedEvents: unknown[];
}

const SHOWN = 20;

export async function projectionStatus(log: EventLog, store: ProjectionStore): Promise<ProjectionStatus> {
  const partitionIds = Array.from({ length: log.partitions }, (_, i) => i);
  const [checkpoints, heads, counters, problems, stops] = await Promise.all([
    store.checkpoints(),
    Promise.all(partitionIds.map((p) => log.head(p))),
    store.counters(),
    store.problems(SHOWN),
    store.stops(),
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
    deadLetters: problems.dead.map(parseOrRaw).map(withBoundedReason),
    rejectedEvents: problems.rejected.map(parseOrRaw).map(withBoundedReason),
  };
}

/** Entries written before reasons were bounded may hold a long one; it is cut when shown. */
function withBoundedReason(entry: unknown): unknown {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return entry;
  const { reason } = entry as { reason?: unknown };
  return typeof reason === "string" ? { ...entry, reason: boundReason(reason) } : entry;
}

function parseOrRaw(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
