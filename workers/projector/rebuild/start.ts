/**
 * Starting a rebuild (see shared/rebuild/port.ts): a new namespace beside the live one, folded from the start of
 * the log in bounded chunks that continue through QStash (a poke naming the namespace, chunk.ts).
 */
import type { Logger } from "../../../shared/http/log";
import type { StartAnswer } from "../../../shared/rebuild/port";
import { pokeLogged } from "../background";
import type { ProjectorDeps } from "../deps";
import { partitionIds } from "./fold-namespace";

/** Starts a rebuild and pokes its first chunk on every partition (the cron sends them if this publish fails). */
export async function startRebuild(deps: ProjectorDeps, log: Logger): Promise<StartAnswer> {
  const live = (await deps.rebuild.liveView()).namespace;
  const answer = await deps.rebuild.start(new Date(), live);
  if (!answer.started) return answer;
  log.info("rebuild started", { namespace: answer.namespace, live });
  const hints = partitionIds(deps).map((partition) => ({ partition, offset: 0 }));
  await pokeLogged(deps.notifier.pokeMany(hints, "rebuild", answer.namespace), log, {
    failed: "rebuild pokes failed; the cron sends them",
  });
  return answer;
}
