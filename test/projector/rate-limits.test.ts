/**
 * The projector's rate limit, in process: `createProjectorApp({ deps })` over the in-memory log and projection,
 * with a rate limiting binding of the test's own (test/support/fake-limiter.ts). Its public reads (`/status`) and
 * the admin route (`/rebuild`) spend one token of REQUEST_LIMITER per request under the client's address; a
 * QStash poke is never counted by address (QStash's senders are shared by all its customers): its signature is its
 * gate. The same bucket with the wrangler file's number, in workerd: test/workers/rate-limits.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createProjectorApp } from "../../workers/projector/app";
import { type FakeLimiter, fakeLimiter } from "../support/fake-limiter";
import { sign } from "../workers/support/projector-support";
import { BINDINGS, memoryProjector, SIGNING_KEY, WEBHOOK } from "./memory-projector";

const A = "203.0.113.7";
const B = "198.51.100.9";

beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
});

function projector(limiter?: FakeLimiter) {
  const app = createProjectorApp({ deps: memoryProjector().deps });
  const env = { ...BINDINGS, ...(limiter ? { REQUEST_LIMITER: limiter } : {}) };
  const pending: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    passThroughOnException() {},
    props: {},
  };
  return async (path: string, init: RequestInit & { from?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.from) headers.set("cf-connecting-ip", init.from);
    const res = await app.request(path, { ...init, headers }, env, ctx);
    await Promise.all(pending);
    return res;
  };
}

const poke = (from: string) => {
  const body = '{"partition":0}';
  return {
    method: "POST",
    headers: { "upstash-signature": sign({ key: SIGNING_KEY, url: WEBHOOK, body }) },
    body,
    from,
  };
};

describe("projector: rate limit", () => {
  it("status: each request spends one REQUEST_LIMITER token under the client's address", async () => {
    const limiter = fakeLimiter();
    const send = projector(limiter);
    expect((await send("/status", { from: A })).status).toBe(200);
    expect((await send("/status", { from: B })).status).toBe(200);
    expect((await send("/status")).status).toBe(200);
    expect(limiter.calls).toEqual([A, B, "unknown"]);
  });

  it("status: over the limit, 429 with Retry-After and a RATE_LIMITED body; another address still passes", async () => {
    const send = projector(fakeLimiter({ limit: 1 }));
    expect((await send("/status", { from: A })).status).toBe(200);
    const res = await send("/status", { from: A });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(await res.json()).toEqual({
      error: "too many requests from your address: wait 10 s and try again",
      code: "RATE_LIMITED",
    });
    expect((await send("/status", { from: B })).status).toBe(200);
  });

  it("rebuild: the admin route spends the same bucket (a guessed token costs a token of the bucket too)", async () => {
    const send = projector(fakeLimiter({ limit: 0 }));
    const res = await send("/rebuild", { method: "POST", from: A });
    expect(res.status).toBe(429);
  });

  it("projection: a signed poke is not counted by address, even from an address over its limit", async () => {
    const limiter = fakeLimiter({ limit: 0 });
    const send = projector(limiter);
    expect((await send("/status", { from: A })).status).toBe(429);
    const res = await send("/projection", poke(A));
    expect(res.status).toBe(200);
    expect(limiter.calls).toEqual([A]);
  });

  it("health: spends nothing", async () => {
    const limiter = fakeLimiter({ limit: 0 });
    expect((await projector(limiter)("/health", { from: A })).status).toBe(200);
    expect(limiter.calls).toEqual([]);
  });

  it("status: without the binding, MISCONFIGURED naming it; /health and signed pokes still answer", async () => {
    const send = projector();
    const res = await send("/status", { from: A });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error:
        "configuration: REQUEST_LIMITER is missing: declare it as a rate limiting binding ([[ratelimits]]) in the worker's wrangler file",
      code: "MISCONFIGURED",
      requestId: expect.any(String),
    });
    expect((await send("/health")).status).toBe(200);
    expect((await send("/projection", poke(A))).status).toBe(200);
  });
});
