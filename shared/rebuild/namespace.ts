/**
 * Which namespace is live. A pointer key under the base prefix (`<PROJECTION_PREFIX>:live`) names it; with no
 * pointer, the base prefix itself is the namespace (a projection never rebuilt). A rebuild switches the pointer in
 * one script (scripts.ts); both workers read it here.
 *
 * Each isolate keeps what it read for POINTER_CACHE_MS, so a worker may go on reading the old namespace that long
 * after a switch (the command worker reads it once per request, so one request reads one namespace). Nothing is
 * lost in that window: the old namespace keeps being folded by the live fold until its clean-up is due (the grace
 * period, far longer than the cache), so a consistency token is reached there as in the new one; and the write guards (reservations, idempotency claims) are kept under the base prefix, not the
 * namespace, so a write decided on either side of the switch meets every other write's reservation. A cached
 * entry past its time is read again; a failed read fails the request rather than serve a stale pointer.
 */

import { storedObject } from "../projection/codec";
import { hashPairs, type RedisClient } from "../redis/client";
import type { LiveView, RetiringNamespace } from "./port";

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

const cache = new Map<string, { view: LiveView; until: number }>();

/**
 * The live namespace of `base` and the retired namespaces still being folded, read together in one round trip and
 * cached together. `fresh` reads them from Redis whatever the cache holds (and caches what it read): the
 * projector does so for every poke, so that it folds the namespace live when the poke came (see workers/projector/poke.ts).
 */
export async function liveView(
  client: RedisClient,
  base: string,
  now: () => number = Date.now,
  fresh = false,
): Promise<LiveView> {
  const cached = cache.get(base);
  if (!fresh && cached && now() < cached.until) return cached.view;
  const keys = namespaceKeys(base);
  const p = client.redis.pipeline();
  p.get(keys.pointer);
  p.hgetall(keys.retired);
  const [pointer, retired] = await client.call("read the live namespace", () => p.exec<[unknown, unknown]>());
  return rememberLiveView(base, pointer, retired, now);
}

/**
 * The view the pointer and the retired hash (HGETALL's flat answer) make, as read together now: cached, and
 * answered. For reads made elsewhere than here (the projector's claim of a live fold reads them in its script).
 */
export function rememberLiveView(
  base: string,
  pointer: unknown,
  retired: unknown,
  now: () => number = Date.now,
): LiveView {
  const namespace = pointer === null || pointer === undefined || pointer === "" ? base : String(pointer);
  const retiring: RetiringNamespace[] = [];
  for (const [retiredNamespace, raw] of hashPairs(retired)) {
    const foldUntil = foldUntilOf(raw);
    if (foldUntil > now()) retiring.push({ namespace: retiredNamespace, foldUntil });
  }
  const view = { namespace, retiring };
  cache.set(base, { view, until: now() + POINTER_CACHE_MS });
  return view;
}

/**
 * The namespace this isolate last read as live, even past its cache time, else the base prefix (a projection never
 * rebuilt): a guess only, for a step that checks it against the pointer as it goes.
 */
export function lastLiveNamespace(base: string): string {
  return cache.get(base)?.view.namespace ?? base;
}

/** The live namespace of `base`, from this isolate's cache while it is fresh. */
export async function liveNamespace(client: RedisClient, base: string): Promise<string> {
  return (await liveView(client, base)).namespace;
}

function foldUntilOf(raw: unknown): number {
  const foldUntil = storedObject(raw)?.foldUntil;
  return typeof foldUntil === "number" ? foldUntil : 0;
}

/** Forgets the cached pointer (the projector, right after it switched it). */
export function forgetLiveNamespace(base: string): void {
  cache.delete(base);
}
