/**
 * The rebuild's fold of a namespace other than the live one: the live fold's own catch-up (same script, lease and
 * checkpoint compare-and-set) on that namespace, and the pokes that continue what one invocation left.
 */
import type { Logger } from "../../../shared/http/log";
import { pokeInBackground, type Waiter } from "../background";
import type { ProjectorDeps } from "../deps";
import { catchUp } from "../fold/catch-up";
import type { CatchUpResult } from "../fold/progress";

export const partitionIds = (deps: ProjectorDeps) => Array.from({ length: deps.log.partitions }, (_, p) => p);

/** One catch-up of `namespace` on `only` (default: every partition), as the live fold runs it. */
export const foldNamespace = (
  deps: ProjectorDeps,
  namespace: string,
  logger: Logger,
  only?: readonly number[],
) =>
  catchUp(
    { log: deps.log, ...deps.onNamespace(namespace), leaseMs: deps.leaseMs, logger },
    deps.budget,
    only,
  );

/**
 * Pokes the partitions this invocation left unfinished (its budget ran out), from where it left them. One that
 * another fold holds (coalesced, or yielded to it) is that fold's to continue; one that failed is left to QStash's
 * retry of this invocation (unless `failedToo`) or the cron.
 */
export function continueUnfinished(
  deps: ProjectorDeps,
  namespace: string,
  result: CatchUpResult,
  waitUntil: Waiter,
  log: Logger,
  failedToo = false,
): void {
  const ours = result.partitions.filter(
    (p) => !p.caughtUp && !p.stopped && (failedToo || !p.failed) && !p.yielded && !p.coalesced,
  );
  if (ours.length === 0) return;
  const hints = ours.map((p) => ({ partition: p.partition, offset: p.checkpoint }));
  pokeInBackground(waitUntil, deps.notifier.pokeMany(hints, "rebuild", namespace), log, {
    failed: "rebuild re-poke failed; the cron continues it",
  });
}
