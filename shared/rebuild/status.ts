/**
 * The rebuild part of the projection's status: the live namespace, the running rebuild's progress per partition
 * (checkpoint vs head), its speed and estimated finish, the last rebuild's outcome and the namespaces waiting
 * for clean-up. Speed is measured as offsets folded since the start over the time since the start.
 */
import type { EventLog } from "../event-log/port";
import { projectionKeys } from "../projection/keys";
import { checkpointMap } from "../projection/redis/read-model";
import type { RedisClient } from "../redis/client";
import type { RebuildControl, RebuildRecord } from "./control";

export interface RebuildProgress {
  namespace: string;
  state: "running";
  startedAt: string;
  partitions: Array<{ partition: number; checkpoint: number; head: number; lag: number }>;
  lag: number;
  eventsPerSecond: number;
  /** ISO; absent until the rebuild has folded something to measure its speed by. */
  estimatedFinish?: string;
}

export interface RebuildStatus {
  /** The namespace both workers read (the base prefix until a rebuild switches). */
  namespace: string;
  rebuild: RebuildProgress | null;
  lastRebuild: RebuildRecord | null;
  retiring: Array<{ namespace: string; due: string }>;
}

export async function rebuildStatus(
  log: EventLog,
  client: RedisClient,
  control: RebuildControl,
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
    rebuild: running ? await progress(log, client, running, now) : null,
    lastRebuild: history[0] ?? null,
    retiring: retired.map((r) => ({ namespace: r.namespace, due: new Date(r.due).toISOString() })),
  };
}

async function progress(
  log: EventLog,
  client: RedisClient,
  record: RebuildRecord,
  now: Date,
): Promise<RebuildProgress> {
  const ids = Array.from({ length: log.partitions }, (_, p) => p);
  const [raw, heads] = await Promise.all([
    client.call("read the rebuild's checkpoints", () =>
      client.redis.hgetall(projectionKeys(record.namespace).checkpoint),
    ),
    Promise.all(ids.map((p) => log.head(p))),
  ]);
  const checkpoints = checkpointMap(raw);
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
