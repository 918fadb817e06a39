/**
 * One invocation's catch-up of the live namespace, as the poke route and the sweep run it: fold within the
 * budget, then poke again for the work left that no other fold holds.
 */
import { errorFields, type Logger } from "../../../shared/http/log";
import { pokeInBackground, type Waiter } from "../background";
import type { ProjectorDeps } from "../deps";
import { changedLists } from "../live";
import { SUBREQUESTS, type SubrequestMeter, subrequestMeter } from "./budget";
import { type AppliedBatch, type CatchUpDeps, catchUp } from "./catch-up";

/** What a poke knows before its catch-up starts (see CatchUpDeps). */
export type PokeStart = Pick<CatchUpDeps, "announced" | "claimed">;

/**
 * Runs a catch-up and, when the budget ran out with work left, pokes the projector again to continue. `logger`
 * carries the fields every line of the run has (a request id, say); `meter` carries subrequests the invocation
 * already spent (the sweep's); `poke`, the record an append's poke was sent for and the claim it made already.
 */
export async function runCatchUp(
  deps: ProjectorDeps & { namespace?: string },
  trigger: string,
  waitUntil: Waiter,
  logger: Logger,
  only?: readonly number[],
  meter: SubrequestMeter = subrequestMeter(deps.budget.maxSubrequests),
  poke: PokeStart = {},
) {
  const applied = liveApplied(deps, waitUntil, logger, meter);
  const result = await catchUp(
    {
      log: deps.log,
      store: deps.store,
      lease: deps.lease,
      ...(deps.inPlace && { inPlace: deps.inPlace }),
      leaseMs: deps.leaseMs,
      logger,
      meter,
      ...(applied && { applied }),
      ...poke,
    },
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

/**
 * Live updates: each applied batch that changed tasks of named lists is told to the command worker in one notice,
 * off the fold's path (the fold goes on while it is sent); one that fails is sent once more, budget allowing, then
 * logged (see ../live.ts). Only the live namespace's folds notify: a rebuild's namespace is read by nobody yet.
 */
function liveApplied(
  deps: ProjectorDeps & { namespace?: string },
  waitUntil: Waiter,
  logger: Logger,
  meter: SubrequestMeter,
): ((batch: AppliedBatch) => void) | undefined {
  const { live, namespace } = deps;
  if (!live || namespace === undefined) return undefined;
  return (batch) => {
    const lists = batch.lists ?? changedLists(batch.taskIds, batch.states);
    if (!lists) return;
    meter.spend(SUBREQUESTS.notice);
    const token = `${batch.partition}:${batch.to - 1}`;
    waitUntil(
      live
        .send({ namespace, token, lists }, () => {
          // Sent again only with a subrequest to spare, the reserve for ending the fold cleanly kept.
          if (!meter.affords(SUBREQUESTS.notice)) return false;
          meter.spend(SUBREQUESTS.notice);
          logger.info("live notice not delivered; sending it again", { partition: batch.partition, token });
          return true;
        })
        .catch((err: unknown) =>
          logger.error("live notice failed; subscribers see the change on their next read", {
            partition: batch.partition,
            token,
            error: errorFields(err),
          }),
        ),
    );
  };
}
