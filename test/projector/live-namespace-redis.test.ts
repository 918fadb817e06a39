/**
 * The command worker's view of the live namespace (shared/rebuild/namespace.ts `liveNamespace`), against the local
 * Redis REST front end and a real redis-server, on a clock of the test's own: a copy of the pointer is used as it is
 * for POINTER_CACHE_MS; up to POINTER_STALE_MS it answers at once while the pointer is read again beside the request;
 * older, the request waits for the read.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import {
  liveNamespace,
  namespaceKeys,
  POINTER_CACHE_MS,
  POINTER_STALE_MS,
} from "../../shared/rebuild/namespace";
import { connectRedis } from "../../shared/redis/client";
import { useLocalRedis } from "../emulators/support/redis-fixture";

const TOKEN = "live-namespace-redis-token";
const local = useLocalRedis({ name: "live-namespace-redis", token: TOKEN });

function setUp() {
  const client = connectRedis({ url: local.stack.rest.url, token: TOKEN });
  const base = `live-namespace:${randomUUID()}`;
  const clock = { now: 1_000_000 };
  const started: Array<Promise<unknown>> = [];
  const live = (c = client) =>
    liveNamespace(
      c,
      base,
      (work) => started.push(work),
      () => clock.now,
    );
  const switchTo = (namespace: string) => local.plain.set(namespaceKeys(base).pointer, namespace);
  return { client, base, clock, started, live, switchTo };
}

describe("the command worker's live namespace", () => {
  test("a copy a few seconds old answers at once, and the pointer read beside it serves the next request", async () => {
    const { base, clock, started, live, switchTo } = setUp();
    expect(await live()).toBe(base);
    expect(started).toHaveLength(0);
    await switchTo(`${base}:g1`);

    clock.now += POINTER_CACHE_MS - 1;
    expect(await live()).toBe(base);
    expect(started).toHaveLength(0);

    clock.now += 2;
    expect(await live()).toBe(base);
    expect(started).toHaveLength(1);
    // A second request while that read is out starts none of its own.
    expect(await live()).toBe(base);
    expect(started).toHaveLength(1);

    await Promise.all(started);
    expect(await live()).toBe(`${base}:g1`);
    expect(started).toHaveLength(1);
  });

  test("a copy POINTER_STALE_MS old is read again before the request goes on", async () => {
    const { base, clock, started, live, switchTo } = setUp();
    expect(await live()).toBe(base);
    await switchTo(`${base}:g2`);

    clock.now += POINTER_STALE_MS;
    expect(await live()).toBe(`${base}:g2`);
    expect(started).toHaveLength(0);
  });

  test("a read beside a request that fails leaves the copy; the next stale request reads again, and one past the limit fails", async () => {
    const { client, base, clock, started, live, switchTo } = setUp();
    expect(await live()).toBe(base);
    await switchTo(`${base}:g3`);
    const refused = connectRedis({ url: local.stack.rest.url, token: "not-the-token" });

    clock.now += POINTER_CACHE_MS;
    expect(await live(refused)).toBe(base);
    expect(started).toHaveLength(1);
    await Promise.all(started);
    expect(await live(refused)).toBe(base);
    expect(started).toHaveLength(2);
    await Promise.all(started);

    clock.now += POINTER_STALE_MS;
    await expect(live(refused)).rejects.toThrow(/redis/i);
    expect(await live(client)).toBe(`${base}:g3`);
  });
});
