/**
 * The rebuild part of the projection's status: the live namespace, the running rebuild's progress per partition
 * (checkpoint vs head), its speed and estimated finish, the last rebuild's outcome and the namespaces waiting
 * for clean-up. Speed is measured as offsets folded since the start over the time since the start.
 */
import type { EventLog } from "../event-log/port";
import type { RebuildProgress, RebuildRecord, RebuildStatus, RetiredNamespace } from "./port";

/** Where the status reads the rebuild's record, its history and the retired namespaces. */
export interface RebuildRecords {
  current(): Promise<RebuildRecord | undefined>;
  /** The newest ended rebuilds, newest first. */
  history(count?: number): Promise<RebuildRecord[]>;
  retired(): Promise<RetiredNamespace[]>;
}

/** The checkpoints of a namespace, by partition. */
export type CheckpointsOf = (namespace: string) => Promise<ReadonlyMap<number, number>>;

export async function rebuildStatus(
  log: EventLog,
  checkpointsOf: CheckpointsOf,
  control: RebuildRecords,
  live: string,
  now: Date = new Date(),
): Promise<RebuildStatus> {
  const [current, history, retired] = await Promise.all([
    control.current(),
    control.history(1),
    control.retired(),
  ]);
  const running = current?.state === "running" ? current : undefined;
  return {
    namespace: live,
    rebuild: running ? await progress(log, checkpointsOf, running, now) : null,
    lastRebuild: history[0] ?? null,
    retiring: retired.map((r) => ({ namespace: r.namespace, due: new Date(r.due).toISOString() })),
  };
}

async function progress(
  log: EventLog,
  checkpointsOf: CheckpointsOf,
  record: RebuildRecord,
  now: Date,
): Promise<RebuildProgress> {
  const ids = Array.from({ length: log.partitions }, (_, p) => p);
  const [checkpoints, heads] = await Promise.all([
    checkpointsOf(record.namespace),
    Promise.all(ids.map((p) => log.head(p))),
  ]);
  const partitions = ids.map((partition) => {
    const checkpoint = checkpoints.get(partition) ?? 0;
    const head = heads[partition] ?? 0;
    return { partition, checkpoint, head, lag: Math.max(0, head - checkpoint) };
  });
  const folded = partitions.reduce((sum, p) => sum + p.checkpoint, 0);
  const lag = partitions.reduce((sum, p) => sum + p.lag, 0);
  const seconds = Math.max(0.001, (now.getTime() - Date.parse(record.startedAt)) / 1000);
  const eventsPerSecond = Math.round((folded / seconds) * 10) / 10;
  const estimate =
    eventsPerSecond > 0 ? new Date(now.getTime() + (lag / eventsPerSecond) * 1000).toISOString() : undefined;
  return {
    namespace: record.namespace,
    state: "running",
    startedAt: record.startedAt,
    partitions,
    lag,
    eventsPerSecond,
    ...(estimate && { estimatedFinish: estimate }),
  };
}
