/**
 * The scheduled catch-up, the safety net for lost pokes. It reads every partition's lag (the checkpoints in one
 * Redis call, each head from the log), folds the most lagging partition itself, and fans out one poke per other
 * lagging partition in one QStash batch: one invocation's work stays one partition's, however many there are.
 * When the fan-out cannot be published, the next sweep tries again, and meanwhile folds the most lagging one.
 */
import { failures, runCatchUp } from "./app";
import type { ProjectorDeps } from "./deps";
import { logStep } from "./log";

export interface SweepResult {
  /** Partitions that were behind their log head. */
  lagging: number[];
  /** The partition this invocation folded, if any lagged. */
  folded?: number;
  caughtUp: boolean;
  /** The partitions poked through QStash, each folded by an invocation of its own. */
  fannedOut: number[];
  /** The folded partition, when it failed (a backing service) or is stopped (an event it cannot fold yet). */
  failed?: number[];
  stopped?: number[];
}

export async function sweep(
  deps: ProjectorDeps,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<SweepResult> {
  const partitions = Array.from({ length: deps.log.partitions }, (_, p) => p);
  const [checkpoints, heads] = await Promise.all([
    deps.store.checkpoints(),
    Promise.all(partitions.map((p) => deps.log.head(p))),
  ]);
  const behind = partitions
    .map((partition) => ({ partition, lag: (heads[partition] ?? 0) - (checkpoints.get(partition) ?? 0) }))
    .filter((p) => p.lag > 0)
    .sort((a, b) => b.lag - a.lag);
  const [first, ...rest] = behind;
  const fannedOut = rest.map((p) => p.partition);
  if (fannedOut.length > 0) {
    const hints = fannedOut.map((partition) => ({ partition, offset: (heads[partition] ?? 1) - 1 }));
    waitUntil(
      deps.notifier.pokeMany(hints, "sweep").then(
        () => logStep("projector", "sweep poked lagging partitions", { partitions: fannedOut }),
        (err: unknown) =>
          logStep("projector", "sweep fan-out failed; the next sweep tries again", {
            partitions: fannedOut,
            error: (err as Error).message,
          }),
      ),
    );
  }
  const lagging = behind.map((p) => p.partition);
  if (!first) return { lagging, caughtUp: true, fannedOut };
  const result = await runCatchUp(deps, "cron", waitUntil, {}, [first.partition]);
  const failed = failures(result)?.partitions;
  const stopped = result.partitions.filter((p) => p.stopped).map((p) => p.partition);
  return {
    lagging,
    folded: first.partition,
    caughtUp: result.caughtUp,
    fannedOut,
    ...(failed && { failed }),
    ...(stopped.length > 0 && { stopped }),
  };
}
