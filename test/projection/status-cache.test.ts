/**
 * The status cache: a read is answered again for its time to live, shared by callers asking while it runs, read
 * afresh once it is older or for another key, and never kept when it failed. The clock is the test's.
 */
import { describe, expect, it } from "vitest";
import { createStatusCache, STATUS_CACHE_MS } from "../../shared/projection/status-cache";

function counted() {
  let reads = 0;
  return { load: async () => ++reads, reads: () => reads };
}

describe("createStatusCache", () => {
  it("get: a read is answered again until its time to live has passed, and shared while it runs", async () => {
    let now = 1000;
    const cache = createStatusCache<number>(STATUS_CACHE_MS, () => now);
    const source = counted();

    const together = await Promise.all(Array.from({ length: 20 }, () => cache.get("live", source.load)));
    now += STATUS_CACHE_MS - 1;
    const later = await cache.get("live", source.load);
    now += 1;
    const expired = await cache.get("live", source.load);

    expect({ together: new Set(together), later, expired, reads: source.reads() }).toEqual({
      together: new Set([1]),
      later: 1,
      expired: 2,
      reads: 2,
    });
  });

  it("get: another key (a rebuild switched namespace) is read afresh", async () => {
    const cache = createStatusCache<number>(STATUS_CACHE_MS, () => 0);
    const source = counted();

    await cache.get("todo:v1", source.load);

    expect(await cache.get("todo:v1:g2", source.load)).toBe(2);
  });

  it("get: a failed read is not kept", async () => {
    const cache = createStatusCache<number>(STATUS_CACHE_MS, () => 0);

    await expect(cache.get("live", () => Promise.reject(new Error("redis down")))).rejects.toThrow(
      "redis down",
    );

    expect(await cache.get("live", async () => 7)).toBe(7);
  });
});
