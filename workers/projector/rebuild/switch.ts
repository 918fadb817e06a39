/** Making a rebuilt namespace the live one, once it has caught up with the log heads. */
import type { Logger } from "../../../shared/http/log";
import type { SwitchAnswer } from "../../../shared/rebuild/port";
import { pokeInBackground, type Waiter } from "../background";
import type { ProjectorDeps } from "../deps";
import { continueUnfinished, foldNamespace, partitionIds } from "./fold-namespace";

/**
 * Switches to `namespace` once it has caught up with the log heads read at the start of the attempt. A partition
 * found behind them is folded here (to the log's end, so past its head) and the switch asked again with the same
 * heads: under a steady stream of writes a head read after each fold would always have moved on. Events appended
 * after the heads were read are folded by the live fold, which continues in the new namespace (poked here), as any
 * live projection folds what arrives. A partition this invocation cannot finish is left to a poke.
 */
export async function trySwitch(
  deps: ProjectorDeps,
  namespace: string,
  waitUntil: Waiter,
  log: Logger,
): Promise<SwitchAnswer> {
  const ids = partitionIds(deps);
  const heads = await Promise.all(ids.map((p) => deps.log.head(p)));
  let answer: SwitchAnswer = { kind: "not-running" };
  for (let attempt = 0; attempt <= ids.length; attempt++) {
    answer = await deps.rebuild.switchLive(namespace, heads, new Date(), deps.rebuildGraceMs);
    if (answer.kind === "switched") {
      deps.rebuild.forgetLive();
      log.info("rebuild switched live", { namespace, retired: answer.old, heads });
      // Events appended since the heads were read may have been poked to the old namespace only. A reason of its
      // own: as a chunk poke, the one of a partition empty when the heads were read (or of one a chunk continued
      // from its head) would carry the id of that chunk's poke, which QStash would drop as a duplicate.
      const hints = ids.map((partition) => ({ partition, offset: heads[partition] ?? 0 }));
      pokeInBackground(waitUntil, deps.notifier.pokeMany(hints, "switch", namespace), log, {
        failed: "post-switch pokes failed; the cron folds the rest",
      });
      return answer;
    }
    if (answer.kind !== "behind") return answer;
    const folded = await foldNamespace(deps, namespace, log, [answer.partition]);
    if (!folded.caughtUp) {
      // Nobody retries this fold if it failed: it is poked like one whose budget ran out.
      continueUnfinished(deps, namespace, folded, waitUntil, log, true);
      break;
    }
  }
  return answer;
}
