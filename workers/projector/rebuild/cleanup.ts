/**
 * Deleting a retired namespace once its grace period is over, a bounded chunk per invocation (the clean-up port),
 * each chunk poking the next.
 */
import type { Logger } from "../../../shared/http/log";
import { pokeInBackground, type Waiter } from "../background";
import type { ProjectorDeps } from "../deps";

/** Steps one clean-up chunk takes (each a SCAN step over SCAN_COUNT keys, in Redis). */
export const CLEANUP_STEPS = 20;

/** Runs one clean-up chunk of a retired namespace that is due (`namespace`, or the first due), and continues it. */
export async function cleanupDue(
  deps: ProjectorDeps,
  waitUntil: Waiter,
  logger: Logger,
  namespace?: string,
): Promise<{ namespace: string; deleted: number; done: boolean } | undefined> {
  const now = Date.now();
  const due = (await deps.rebuild.retired()).filter(
    (r) => r.due <= now && (namespace === undefined || r.namespace === namespace),
  );
  const [entry, ...others] = due;
  if (!entry) return undefined;
  const log = logger.with({ namespace: entry.namespace });
  const chunk = await deps.cleanup.chunk(entry, { maxSteps: CLEANUP_STEPS });
  log.info(chunk.done ? "retired namespace deleted" : "retired namespace partly deleted", { ...chunk });
  const next = chunk.done ? others[0]?.namespace : entry.namespace;
  if (next !== undefined) {
    const poke = deps.notifier.pokeMany([{ partition: 0, offset: Date.now() }], "cleanup", next);
    pokeInBackground(waitUntil, poke, log, { failed: "clean-up re-poke failed; the cron continues it" });
  }
  return chunk;
}
