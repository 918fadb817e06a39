/**
 * Which namespace is live. A pointer key under the base prefix (`<PROJECTION_PREFIX>:live`) names it; with no
 * pointer, the base prefix itself is the namespace (a projection never rebuilt). A rebuild switches the pointer in
 * one script (scripts.ts); both workers read it here.
 *
 * Each isolate keeps what it read. For POINTER_CACHE_MS it is used as it is. The command worker then goes on using a
 * copy up to POINTER_STALE_MS old for the request in hand while it reads the pointer again beside that request
 * ({@link liveNamespace} with a `background`): a request never waits for the pointer but in an isolate that has not
 * read it for that long (a fresh one, or one idle since), so a read costs one round trip, not two, wherever requests
 * come more than POINTER_CACHE_MS apart. So a worker may read the old namespace for up to POINTER_CACHE_MS after a
 * switch, and an isolate that was idle across a switch for its first request after it (POINTER_STALE_MS at most
 * after its last read); one request reads one namespace. Nothing is lost in that window: the old namespace keeps
 * being folded by the live fold until 30 s before its clean-up is due (REBUILD_GRACE_SECONDS, which must outlast
 * POINTER_STALE_MS, the longest request and those 30 s), so a consistency token is reached there as in the new one;
 * and the write guards (reservations, idempotency claims) are kept under the base prefix, not the namespace, so a
 * write decided on either side of the switch meets every other write's reservation. A copy older than
 * POINTER_STALE_MS is read again before use, and a failed read then fails the request rather than serve it.
 */

import { storedObject } from "../projection/codec";
import { hashPairs, type RedisClient } from "../redis/client";
import type { LiveView, RetiringNamespace } from "./port";

/** How long an isolate trusts the pointer it read without reading it again: a busy worker sees a switch within this. */
export const POINTER_CACHE_MS = 2000;

/**
 * How old a copy of the pointer the command worker may still answer a request from, reading the pointer again beside
 * it. REBUILD_GRACE_SECONDS must outlast it (with the longest request and the fold's last 30 s).
 */
export const POINTER_STALE_MS = 60_000;

/** How long a read of the pointer beside a request may be outstanding before another request starts one. */
const REFRESH_PATIENCE_MS = 10_000;

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

const cache = new Map<string, { view: LiveView; readAt: number }>();
/** Per base prefix, when the read of the pointer beside a request started, while it is outstanding. */
const refreshing = new Map<string, number>();

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
  if (!fresh && cached && now() < cached.readAt + POINTER_CACHE_MS) return cached.view;
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
  cache.set(base, { view, readAt: now() });
  return view;
}

/**
 * The namespace this isolate last read as live, even past its cache time, else the base prefix (a projection never
 * rebuilt): a guess only, for a step that checks it against the pointer as it goes.
 */
export function lastLiveNamespace(base: string): string {
  return cache.get(base)?.view.namespace ?? base;
}

/**
 * The live namespace of `base`, from this isolate's copy while it is fresh. With `background` (which keeps a promise
 * running after the response, as `waitUntil` does), a copy up to POINTER_STALE_MS old is answered at once and the
 * pointer read again beside the request, for the requests after it; a failed read there leaves the copy as it was.
 */
export async function liveNamespace(
  client: RedisClient,
  base: string,
  background?: (work: Promise<unknown>) => void,
  now: () => number = Date.now,
): Promise<string> {
  const cached = cache.get(base);
  const age = cached === undefined ? Number.POSITIVE_INFINITY : now() - cached.readAt;
  if (cached === undefined || background === undefined || age >= POINTER_STALE_MS || age < 0)
    return (await liveView(client, base, now)).namespace;
  if (age >= POINTER_CACHE_MS) {
    const started = refreshing.get(base);
    if (started === undefined || now() - started >= REFRESH_PATIENCE_MS) {
      const start = now();
      refreshing.set(base, start);
      background(
        liveView(client, base, now, true)
          // A failure leaves the copy as it was: a later request reads again, and past POINTER_STALE_MS waits for it.
          .catch(() => undefined)
          .finally(() => {
            if (refreshing.get(base) === start) refreshing.delete(base);
          }),
      );
    }
  }
  return cached.view.namespace;
}

function foldUntilOf(raw: unknown): number {
  const foldUntil = storedObject(raw)?.foldUntil;
  return typeof foldUntil === "number" ? foldUntil : 0;
}

/** Forgets the cached pointer (the projector, right after it switched it). */
export function forgetLiveNamespace(base: string): void {
  cache.delete(base);
  refreshing.delete(base);
}
