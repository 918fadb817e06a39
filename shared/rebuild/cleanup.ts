/**
 * Deleting a retired namespace in bounded chunks: SCAN over each per-task key pattern (COUNT keys a step) and
 * UNLINK what it found (Redis frees large values in the background), then the namespace's fixed keys. Never one
 * blocking call, whatever the namespace's size; each chunk records its cursor, so the next one (a QStash poke or
 * the cron) goes on where it stopped. Only the projection's own key shapes are matched, so nothing of another
 * namespace nor the write guards under the base prefix is touched, even when the retired one is the base prefix.
 */

import { projectionKeys } from "../projection/keys";
import type { RedisClient } from "../redis/client";
import type { RebuildControl } from "./control";
import type { CleanupChunk, RetiredNamespace } from "./port";

/** Keys a SCAN step looks at. */
export const SCAN_COUNT = 500;

/** The per-task and per-partition key patterns of a namespace, deleted in this order. */
function patterns(namespace: string): string[] {
  return ["history", "list", "list-tasks", "fold-lease", "fold-more"].map((kind) => `${namespace}:${kind}:*`);
}

/** The namespace's fixed keys; the base prefix keeps its log identity (the workers check the log there). */
function fixedKeys(namespace: string, base: string): string[] {
  const k = projectionKeys(namespace);
  const fixed = [
    k.state,
    k.order,
    k.purged,
    k.checkpoint,
    k.counters,
    k.dead,
    k.rejected,
    k.stopped,
    k.partitions,
  ];
  return namespace === base ? fixed : [...fixed, k.logIdentity];
}

/** Runs at most `maxSteps` SCAN steps of `entry`'s clean-up, saving where it is after each. */
export async function cleanupChunk(
  client: RedisClient,
  control: RebuildControl,
  entry: RetiredNamespace,
  options: { maxSteps: number },
): Promise<CleanupChunk> {
  const { redis, call } = client;
  const all = patterns(entry.namespace);
  let stage = entry.stage ?? 0;
  let cursor = entry.cursor ?? "0";
  let deleted = 0;
  for (let step = 0; step < options.maxSteps; step++) {
    const pattern = all[stage];
    if (pattern === undefined) {
      const fixed = fixedKeys(entry.namespace, control.base);
      deleted += Number(await call("delete a namespace's keys", () => redis.unlink(...fixed)));
      await control.forgetRetired(entry.namespace);
      return { namespace: entry.namespace, deleted, done: true };
    }
    const [next, found] = await call("scan a namespace", () =>
      redis.scan(cursor, { match: pattern, count: SCAN_COUNT }),
    );
    const keys = found.map(String);
    if (keys.length > 0)
      deleted += Number(await call("delete a namespace's keys", () => redis.unlink(...keys)));
    cursor = String(next);
    if (cursor === "0") stage++;
    await control.saveRetired({ ...entry, stage, cursor });
  }
  return { namespace: entry.namespace, deleted, done: false };
}
