/**
 * The clean-up port in process: a retired namespace is deleted in one chunk (an in-memory namespace has no size
 * that needs bounding) and its clean-up ended.
 */
import type { CleanupPort } from "../port";
import type { MemoryRebuild } from "./rebuild";

/** `drop` deletes a namespace's projection and answers how many entries it held. */
export function createMemoryCleanup(
  rebuild: Pick<MemoryRebuild, "forgetRetired">,
  drop: (namespace: string) => number,
): CleanupPort {
  return {
    async chunk(entry) {
      const deleted = drop(entry.namespace);
      rebuild.forgetRetired(entry.namespace);
      return { namespace: entry.namespace, deleted, done: true };
    },
  };
}
