/**
 * A rate limiting binding in process, for specifications: each key may call `limit()` `limit` times (unbounded
 * when unset), and every call's key is recorded in order. It has no clock: a specification that needs a new period
 * makes a new limiter.
 */
export interface FakeLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
  /** The key of every call, refused ones included. */
  readonly calls: string[];
}

export function fakeLimiter({ limit = Number.POSITIVE_INFINITY }: { limit?: number } = {}): FakeLimiter {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  return {
    calls,
    async limit({ key }) {
      calls.push(key);
      const count = counts.get(key) ?? 0;
      if (count >= limit) return { success: false };
      counts.set(key, count + 1);
      return { success: true };
    },
  };
}

/** The command worker's rate limiting bindings, unbounded: for specifications about something else. */
export const unlimitedCommandBindings = () => ({
  REQUEST_LIMITER: fakeLimiter(),
  MUTATION_LIMITER: fakeLimiter(),
});
