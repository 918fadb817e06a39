/**
 * One chunk of a rebuild: fold the rebuild's namespace within the invocation's budget, fail the rebuild on a
 * partition it cannot fold, poke what is left to continue, and try the switch once a partition has caught up.
 */
import type { Logger } from "../../../shared/http/log";
import type { SwitchAnswer } from "../../../shared/rebuild/port";
import type { Waiter } from "../background";
import type { ProjectorDeps } from "../deps";
import type { CatchUpResult } from "../fold/progress";
import { continueUnfinished, foldNamespace } from "./fold-namespace";
import { trySwitch } from "./switch";

export type RebuildChunk = CatchUpResult & {
  namespace: string;
  switch?: SwitchAnswer;
  failedReason?: string;
};

/**
 * Folds one bounded chunk of the rebuild of `namespace` on `only` (default: every partition). A partition that
 * cannot be folded (stopped) fails the rebuild, saying why; one whose budget ran out is poked to continue; once a
 * partition has caught up, the switch is tried.
 */
export async function rebuildChunk(
  deps: ProjectorDeps,
  namespace: string,
  only: readonly number[] | undefined,
  waitUntil: Waiter,
  logger: Logger,
): Promise<RebuildChunk> {
  const log = logger.with({ namespace });
  const result = await foldNamespace(deps, namespace, log, only);
  const stopped = result.partitions.find((p) => p.stopped);
  if (stopped?.stopped) {
    const reason = `partition ${stopped.partition} stopped at offset ${stopped.stopped.offset}: ${stopped.stopped.reason}`;
    await deps.rebuild.fail(namespace, reason, new Date());
    log.error("rebuild failed; the live namespace is untouched", { reason });
    return { ...result, namespace, failedReason: reason };
  }
  continueUnfinished(deps, namespace, result, waitUntil, log);
  if (!result.partitions.some((p) => p.caughtUp)) return { ...result, namespace };
  return { ...result, namespace, switch: await trySwitch(deps, namespace, waitUntil, log) };
}
