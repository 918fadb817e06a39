/**
 * The projection's status, kept a few seconds: it costs a log request per partition and several Redis commands to
 * read, and anyone may ask for it (GraphQL `projection`, the projector's public `GET /status`). The cache lives in
 * the isolate that made it (Workers give no shared memory), so each isolate reads at most once per STATUS_CACHE_MS,
 * and callers asking while a read is under way share it. A failed read is not kept.
 */

/** How long a status read is answered again. */
export const STATUS_CACHE_MS = 5000;

export interface StatusCache<T> {
  /** The value kept for `key` if it is younger than the cache's time to live, else what `load` answers. */
  get(key: string, load: () => Promise<T>): Promise<T>;
}

/** A cache of one value (the latest key's: a status changes key only when a rebuild switches namespace). */
export function createStatusCache<T>(ttlMs = STATUS_CACHE_MS, now: () => number = Date.now): StatusCache<T> {
  let kept: { key: string; until: number; value: Promise<T> } | undefined;
  return {
    get(key, load) {
      const at = now();
      if (kept && kept.key === key && kept.until > at) return kept.value;
      const value = load();
      const entry = { key, until: at + ttlMs, value };
      kept = entry;
      value.catch(() => {
        if (kept === entry) kept = undefined;
      });
      return value;
    },
  };
}
