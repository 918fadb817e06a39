/**
 * The scheduled catch-up, the safety net for lost pokes. It reads every partition's lag (the checkpoints in one
 * Redis call, each head from the log), folds the most lagging partition itself, and fans out one poke per other
 * lagging partition in one QStash batch: one invocation's work stays one partition's, however many there are.
 * When the fan-out cannot be published, the next sweep tries again, and meanwhile folds the most lagging one.
 *
 * A head is a subrequest, so one sweep reads at most `sweepWindow(maxSubrequests)` heads (budget.ts): 30
 * partitions at the default 40 subrequests (the Free plan), 890 at 900 (Paid). A log with more partitions is swept
 * a window at a time, consecutive sweeps reading consecutive windows (sweep-cursor.ts), so a lagging partition
 * is reached within `ceil(partitions / window)` cron periods; the pokes every write sends stay the fast path.
 */
import type { Logger } from "../../../shared/http/log";
import { pokeInBackground, type Waiter } from "../background";
import type { ProjectorDeps } from "../deps";
import { SUBREQUESTS, type SubrequestMeter, subrequestMeter, sweepWindow } from "./budget";
import { failures } from "./progress";
import { runCatchUp } from "./run";
import { sweepWindowAt } from "./sweep-cursor";

export interface SweepResult {
  /** The partitions whose lag this sweep read, `count` of them from `from` round the ring: all, or a window. */
  swept: { from: number; count: number };
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
  /** Subrequests this invocation counted, and its budget. */
  subrequests: { used: number; max: number };
}

/** The partitions this sweep reads: every one when they fit its budget, else the next window. */
async function partitionsToRead(deps: ProjectorDeps, meter: SubrequestMeter): Promise<number[]> {
  const count = deps.log.partitions;
  const size = sweepWindow(meter.max);
  if (size >= count) return Array.from({ length: count }, (_, p) => p);
  meter.spend(SUBREQUESTS.cursor);
  return sweepWindowAt(await deps.sweepCursor.advance(), size, count);
}

export async function sweep(deps: ProjectorDeps, waitUntil: Waiter, log: Logger): Promise<SweepResult> {
  const meter = subrequestMeter(deps.budget.maxSubrequests);
  const window = await partitionsToRead(deps, meter);
  const swept = { from: window[0] ?? 0, count: window.length };
  meter.spend(SUBREQUESTS.checkpoints + window.length * SUBREQUESTS.head);
  const [checkpoints, heads] = await Promise.all([
    deps.store.checkpoints(),
    Promise.all(window.map((p) => deps.log.head(p))),
  ]);
  const behind = window
    .map((partition, i) => ({ partition, head: heads[i] ?? 0 }))
    .map((p) => ({ ...p, lag: p.head - (checkpoints.get(p.partition) ?? 0) }))
    .filter((p) => p.lag > 0)
    .sort((a, b) => b.lag - a.lag);
  const [first, ...rest] = behind;
  const fannedOut = rest.map((p) => p.partition);
  if (fannedOut.length > 0) {
    meter.spend(SUBREQUESTS.fanOut);
    const hints = rest.map((p) => ({ partition: p.partition, offset: Math.max(0, p.head - 1) }));
    pokeInBackground(waitUntil, deps.notifier.pokeMany(hints, "sweep"), log, {
      sent: "sweep poked lagging partitions",
      failed: "sweep fan-out failed; the next sweep tries again",
      fields: { partitions: fannedOut },
    });
  }
  const lagging = behind.map((p) => p.partition);
  const spent = () => ({ used: meter.used, max: meter.max });
  if (!first) return { swept, lagging, caughtUp: true, fannedOut, subrequests: spent() };
  const result = await runCatchUp(deps, "cron", waitUntil, log, [first.partition], meter);
  const failed = failures(result)?.partitions;
  const stopped = result.partitions.filter((p) => p.stopped).map((p) => p.partition);
  return {
    swept,
    lagging,
    folded: first.partition,
    caughtUp: result.caughtUp,
    fannedOut,
    ...(failed && { failed }),
    ...(stopped.length > 0 && { stopped }),
    subrequests: spent(),
  };
}
