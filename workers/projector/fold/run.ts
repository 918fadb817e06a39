/**
 * One invocation's catch-up of the live namespace, as the poke route and the sweep run it: fold within the
 * budget, then poke again for the work left that no other fold holds.
 */
import type { Logger } from "../../../shared/http/log";
import { pokeInBackground, type Waiter } from "../background";
import type { ProjectorDeps } from "../deps";
import { SUBREQUESTS, type SubrequestMeter, subrequestMeter } from "./budget";
import { catchUp } from "./catch-up";

/**
 * Runs a catch-up and, when the budget ran out with work left, pokes the projector again to continue. `logger`
 * carries the fields every line of the run has (a request id, say); `meter` carries subrequests the invocation
 * already spent (the sweep's).
 */
export async function runCatchUp(
  deps: ProjectorDeps,
  trigger: string,
  waitUntil: Waiter,
  logger: Logger,
  only?: readonly number[],
  meter: SubrequestMeter = subrequestMeter(deps.budget.maxSubrequests),
) {
  const result = await catchUp(
    { log: deps.log, store: deps.store, lease: deps.lease, leaseMs: deps.leaseMs, logger, meter },
    deps.budget,
    only,
  );
  // A partition another fold holds (coalesced) or that we yielded to the invocation that beat us is advanced by
  // that fold, which continues or re-pokes it. Any other unfinished partition is ours to continue, whatever
  // contention we met on the way: deciding this on past contention let every racing invocation leave the rest of
  // the backlog to the others, and it stalled. Each gets a poke of its own, so each continues in its own invocation.
  // A stopped partition waits for an upgrade and a failed one for QStash's retry or the cron, not for a re-poke.
  const unfinished = result.partitions.filter((p) => !p.caughtUp && !p.stopped && !p.failed);
  const ours = unfinished.filter((p) => !p.yielded && !p.coalesced);
  if (ours.length > 0) {
    const hints = ours.map((p) => ({ partition: p.partition, offset: p.checkpoint }));
    meter.spend(SUBREQUESTS.repoke);
    logger.info("budget spent, re-poking", {
      trigger,
      partitions: hints,
      subrequests: { used: meter.used, max: meter.max },
    });
    pokeInBackground(waitUntil, deps.notifier.pokeMany(hints, "continue"), logger, {
      failed: "re-poke failed",
    });
  }
  const owned = unfinished.length > 0 && ours.length === 0;
  return { ...result, ownedElsewhere: owned };
}
