/** The rebuild's share of the cron: the safety net for its lost pokes, its switch, and the clean-ups due. */
import type { Logger } from "../../../shared/http/log";
import { pokeInBackground, type Waiter } from "../background";
import type { ProjectorDeps } from "../deps";
import { cleanupDue } from "./cleanup";
import { partitionIds } from "./fold-namespace";
import { trySwitch } from "./switch";

/**
 * The cron's share: pokes the running rebuild's lagging partitions (a lost chunk poke is healed here) or tries
 * its switch when none lags, pokes the lagging partitions of namespaces still in their grace period, and runs a
 * clean-up chunk when one is due.
 */
export async function sweepRebuild(
  deps: ProjectorDeps,
  waitUntil: Waiter,
  log: Logger,
): Promise<Record<string, unknown>> {
  const ids = partitionIds(deps);
  const out: Record<string, unknown> = {};
  const record = await deps.rebuild.current();
  const now = Date.now();
  const retiring = (await deps.rebuild.retired()).filter((r) => r.foldUntil > now);
  const namespaces = [
    ...(record?.state === "running" ? [record.namespace] : []),
    ...retiring.map((r) => r.namespace),
  ];
  if (namespaces.length === 0 && !(await deps.rebuild.retired()).some((r) => r.due <= now)) return out;
  const heads = await Promise.all(ids.map((p) => deps.log.head(p)));
  for (const namespace of namespaces) {
    const checkpoints = await deps.onNamespace(namespace).store.checkpoints();
    const behind = ids.filter((p) => (checkpoints.get(p) ?? 0) < (heads[p] ?? 0));
    if (behind.length > 0) {
      out[namespace] = { poked: behind };
      const hints = behind.map((partition) => ({ partition, offset: checkpoints.get(partition) ?? 0 }));
      pokeInBackground(waitUntil, deps.notifier.pokeMany(hints, "sweep", namespace), log, {
        failed: "rebuild sweep pokes failed",
      });
    } else if (record?.state === "running" && namespace === record.namespace) {
      out[namespace] = { switch: await trySwitch(deps, namespace, waitUntil, log) };
    }
  }
  const cleaned = await cleanupDue(deps, waitUntil, log);
  if (cleaned) out.cleanup = cleaned;
  return out;
}
