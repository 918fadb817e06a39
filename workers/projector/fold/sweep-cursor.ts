/**
 * Where the next sweep's window of partitions starts, when one sweep cannot read every partition's head within its
 * subrequests: a counter in the projection's namespace that each windowed sweep advances by one, so consecutive
 * sweeps read consecutive windows and every partition is read once in every `ceil(partitions / window)` sweeps.
 */
import { projectionKeys } from "../../../shared/projection/keys";
import type { RedisClient } from "../../../shared/redis/client";

export interface SweepCursor {
  /** Advances the counter; answers how many windowed sweeps ran before this one. */
  advance(): Promise<number>;
}

export function createSweepCursor(client: RedisClient, prefix: string): SweepCursor {
  const key = projectionKeys(prefix).sweepCursor;
  return {
    async advance() {
      const n = Number(await client.call("advance the sweep cursor", () => client.redis.incr(key)));
      return Number.isSafeInteger(n) && n > 0 ? n - 1 : 0;
    },
  };
}

/** The `size` partitions of `partitions` a sweep reads after `before` earlier windowed sweeps, in a ring. */
export function sweepWindowAt(before: number, size: number, partitions: number): number[] {
  const start = (before * size) % partitions;
  return Array.from({ length: Math.min(size, partitions) }, (_, i) => (start + i) % partitions);
}
