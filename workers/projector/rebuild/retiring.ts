/** The fold of the namespaces a rebuild replaced, through their grace period. */
import { errorFields, type Logger } from "../../../shared/http/log";
import type { RetiringNamespace } from "../../../shared/rebuild/port";
import type { ProjectorDeps } from "../deps";
import { foldNamespace } from "./fold-namespace";

/**
 * Folds the retired namespaces that are still read (their grace period has not run out) on `only`: a worker whose
 * cached pointer predates the switch reads them, and must find its writes there.
 */
export async function foldRetiring(
  deps: ProjectorDeps,
  retiring: readonly RetiringNamespace[],
  only: readonly number[] | undefined,
  logger: Logger,
): Promise<void> {
  const now = Date.now();
  for (const r of retiring.filter((r) => r.foldUntil > now)) {
    const log = logger.with({ namespace: r.namespace });
    await foldNamespace(deps, r.namespace, log, only).catch((err: unknown) =>
      log.error("retired namespace not folded; the next poke folds it", { error: errorFields(err) }),
    );
  }
}
