/**
 * Which namespace is live. A pointer key under the base prefix (`<PROJECTION_PREFIX>:live`) names it; with no
 * pointer, the base prefix itself is the namespace (a projection never rebuilt). A rebuild switches the pointer in
 * one script (rebuild-scripts.ts); both workers read it here.
 *
 * Each isolate keeps what it read for POINTER_CACHE_MS, so a worker may go on reading the old namespace that long
 * after a switch. Nothing is lost in that window: the old namespace keeps being folded by the live fold until its
 * clean-up is due (the grace period, far longer than the cache), so a consistency token is reached there as in
 * the new one; and the write guards (reservations, idempotency claims) are kept under the base prefix, not the
 * namespace, so a write decided on either side of the switch meets every other write's reservation. A cached
 * entry past its time is read again; a failed read fails the request rather than serve a stale pointer.
 */
import { type Redis, redisCall } from "./redis";

/** How long an isolate trusts the pointer it read: a switch reaches every worker within this. */
export const POINTER_CACHE_MS = 2000;

/** The keys of the rebuild machinery, one set per base prefix. */
export function namespaceKeys(base: string) {
  return {
    /** string: the live namespace (absent: the base prefix) */
    pointer: `${base}:live`,
    /** string: the last generation handed out (INCR) */
    generation: `${base}:generation`,
    /** string: JSON of the running rebuild, or of the last one once it ended (see RebuildRecord) */
    rebuild: `${base}:rebuild`,
    /** list: JSON of the newest ended rebuilds, newest first */
    history: `${base}:rebuilds`,
    /** hash: namespace → JSON {due, ...} of namespaces to delete once due (old live ones, failed builds) */
    retired: `${base}:retired`,
  };
}

/** The namespace of a rebuild's generation. */
export function generationNamespace(base: string, generation: number): string {
  return `${base}:g${generation}`;
}

const cache = new Map<string, { namespace: string; until: number }>();

/** The live namespace of `base`, from this isolate's cache while it is fresh. */
export async function liveNamespace(
  redis: Redis,
  base: string,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<string> {
  const cached = cache.get(base);
  if (cached && now() < cached.until) return cached.namespace;
  const raw = await redisCall("read the live namespace", timeoutMs, () =>
    redis.get<string>(namespaceKeys(base).pointer),
  );
  const namespace = raw === null || raw === undefined || raw === "" ? base : String(raw);
  cache.set(base, { namespace, until: now() + POINTER_CACHE_MS });
  return namespace;
}

/** Forgets the cached pointer (the projector, right after it switched it). */
export function forgetLiveNamespace(base: string): void {
  cache.delete(base);
}
