/**
 * A poke's way through the projector, once its signature is verified (signed-poke.ts): route the namespace it
 * names (a rebuild's chunk, a retired namespace's fold or clean-up), else run the live catch-up, fold the retiring
 * namespaces beside it, and report the partitions that failed.
 */
import type { Context } from "hono";
import type { LiveClaimer } from "../../shared/rebuild/port";
import type { Waiter } from "./background";
import { onLive } from "./deps";
import { SUBREQUESTS, subrequestMeter } from "./fold/budget";
import { failures } from "./fold/progress";
import { runCatchUp } from "./fold/run";
import { readPoke } from "./poke-target";
import { routeNamespacePoke } from "./rebuild/namespace-poke";
import { foldRetiring } from "./rebuild/retiring";
import { foldFailed, log } from "./shell";
import type { SignedPokeEnv } from "./signed-poke";

export async function handlePoke(c: Context<SignedPokeEnv>): Promise<Response> {
  const projector = c.var.deps();
  const logger = log.with({ requestId: c.var.requestId });
  const { target, namespace, reason, announced } = readPoke(c.var.poke, projector.log.partitions);
  const only = target === "every" ? undefined : [target.partition];
  const waitUntil: Waiter = (p) => c.executionCtx.waitUntil(p);
  // The live pointer is read afresh for every poke, never taken from this isolate's cache. A poke is sent after
  // its event was appended, so a pointer read after the poke came names the namespace that was live when the
  // event was: an event appended after a switch is folded into the new namespace by its own poke, whichever
  // isolate handles it, and one appended before is folded there by the rebuild (up to the heads its switch was
  // checked against) or by the switching invocation's pokes (after them). A cached pointer (up to
  // POINTER_CACHE_MS old) could predate the switch: the event would go to the old namespace only. No timing is
  // assumed. A poke of one partition of the live namespace reads it in the same script that claims the partition
  // in the namespace this isolate last saw live, which claims only if the pointer still names it: no round trip of
  // its own, and the claim is in the namespace the fresh pointer names, as if read first.
  const meter = subrequestMeter(projector.budget.maxSubrequests);
  meter.spend(SUBREQUESTS.pointer);
  const first =
    namespace === undefined && target !== "every" && projector.liveClaimer
      ? await firstClaim(projector.liveClaimer, target.partition, projector.leaseMs)
      : undefined;
  const view = first?.view ?? (await projector.rebuild.liveView(true));
  if (namespace !== undefined) {
    const routed = await routeNamespacePoke(projector, view, namespace, reason, only, waitUntil, logger);
    if (routed.kind === "done") {
      if (routed.failed) return foldFailed(c, routed.failed, { namespace });
      return c.json(routed.body, 200);
    }
  }
  const live = await onLive(projector, view);
  const result = await runCatchUp(live, "poke", waitUntil, logger, only, meter, {
    ...(announced && { announced }),
    ...(first?.claimed && { claimed: first.claimed }),
  });
  // A namespace replaced by a rebuild is still read by workers whose cached pointer predates the switch.
  await foldRetiring(live, view.retiring, only, logger);
  const failed = failures(result);
  // The other partitions were folded; a 5xx makes QStash retry the ones that failed (their log lines say why).
  if (failed) return foldFailed(c, failed);
  return c.json(result, 200);
}

/** The live view read with a claim of `partition` (see LiveClaimer), and that claim when the guess was live. */
async function firstClaim(claimer: LiveClaimer, partition: number, leaseMs: number) {
  const token = crypto.randomUUID();
  const { view, claim } = await claimer.claim(partition, token, leaseMs);
  return { view, ...(claim && { claimed: { partition, token, claim } }) };
}
