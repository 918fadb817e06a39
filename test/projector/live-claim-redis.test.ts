/**
 * A poke's first step over Redis (shared/rebuild/redis/live-claim.ts), with the real script against the local
 * Redis REST front end and a real redis-server: the live view read afresh, and the fold lease claimed in the same
 * script only in the namespace the isolate last saw live, and only if the pointer still names it.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { projectionKeys } from "../../shared/projection/keys";
import { createRedisFoldLease } from "../../shared/projection/redis/fold-lease";
import { namespaceKeys } from "../../shared/rebuild/namespace";
import { createRedisLiveClaimer } from "../../shared/rebuild/redis/live-claim";
import { connectRedis } from "../../shared/redis/client";
import { LEASE_MS } from "../../workers/projector/fold/catch-up";
import { useLocalRedis } from "../emulators/support/redis-fixture";

const TOKEN = "live-claim-redis-token";
const local = useLocalRedis({ name: "live-claim-redis", token: TOKEN });

function setUp() {
  const client = connectRedis({ url: local.stack.rest.url, token: TOKEN });
  const base = `live-claim:${randomUUID()}`;
  return { client, base, claimer: createRedisLiveClaimer(client, base) };
}

describe("the live claim", () => {
  test("a projection never rebuilt: the base prefix is live, and the partition is claimed there with its checkpoint", async () => {
    const { client, base, claimer } = setUp();
    await local.plain.hset(projectionKeys(base).checkpoint, { "1": "7" });

    const first = await claimer.claim(1, "fold-a", LEASE_MS);

    expect(first).toEqual({
      view: { namespace: base, retiring: [] },
      claim: { claimed: true, checkpoint: 7 },
    });
    // Held: another poke only marks it, as the plain claim script does.
    expect(await claimer.claim(1, "fold-b", LEASE_MS)).toMatchObject({ claim: { claimed: false } });
    expect(String(await local.plain.get(projectionKeys(base).foldMore(1)))).toBe("1");
    expect(await createRedisFoldLease(client, base).finish(1, "fold-a", LEASE_MS)).toBe("more");
  });

  test("after a switch this isolate has not seen: nothing is claimed nor marked in the old namespace; the view names the new one, and the next claim is made there", async () => {
    const { base, claimer } = setUp();
    expect((await claimer.claim(0, "before", LEASE_MS)).claim).toEqual({ claimed: true, checkpoint: 0 });
    await local.plain.del(projectionKeys(base).foldLease(0));
    const rebuilt = `${base}:g1`;
    const foldUntil = Date.now() + 60_000;
    await local.plain.set(namespaceKeys(base).pointer, rebuilt);
    await local.plain.hset(namespaceKeys(base).retired, {
      [base]: JSON.stringify({ due: foldUntil, foldUntil }),
    });

    const after = await claimer.claim(0, "after", LEASE_MS);

    expect(after).toEqual({ view: { namespace: rebuilt, retiring: [{ namespace: base, foldUntil }] } });
    expect(await local.plain.get(projectionKeys(base).foldLease(0))).toBeNull();
    expect(await local.plain.get(projectionKeys(base).foldMore(0))).toBeNull();
    // The isolate now takes the new namespace as live.
    expect((await claimer.claim(0, "next", LEASE_MS)).claim).toEqual({ claimed: true, checkpoint: 0 });
    expect(await local.plain.get(projectionKeys(rebuilt).foldLease(0))).toBe("next");
  });
});
