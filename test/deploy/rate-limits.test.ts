/**
 * The rate limiting bindings of the wrangler files, as the workers, the test harness and a deployment see them: the
 * harness's reader (local/workerd/rate-limits.ts, which declares them to Miniflare) reads what wrangler reads; every
 * bucket's period is the one the workers' `Retry-After` names; each worker has the bindings it reads; and no two
 * bindings share counters (the same `namespace_id` would, across workers too).
 */

import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { wranglerRateLimits } from "../../local/workerd/rate-limits";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../shared/http/rate-limit";

const FILES = ["wrangler.command.toml", "wrangler.projector.toml"] as const;

describe("wrangler files: rate limits", () => {
  it.each(FILES)("%s: the harness reads the [[ratelimits]] wrangler reads", (file) => {
    type Declared = { name: string; namespace_id: string; simple: { limit: number; period: number } };
    const declared: Declared[] = unstable_readConfig({ config: file }).ratelimits ?? [];
    const wrangler = declared.map((r) => ({
      name: r.name,
      namespaceId: r.namespace_id,
      limit: r.simple.limit,
      period: r.simple.period,
    }));
    expect(wranglerRateLimits(file)).toEqual(wrangler);
  });

  it("each worker declares the limiters it reads", () => {
    const names = (file: string) => wranglerRateLimits(file).map((r) => r.name);
    expect(names("wrangler.command.toml")).toEqual(["REQUEST_LIMITER", "MUTATION_LIMITER"]);
    expect(names("wrangler.projector.toml")).toEqual(["REQUEST_LIMITER"]);
  });

  it("every bucket's period is the one Retry-After names, and mutations are stricter than requests", () => {
    const all = FILES.flatMap(wranglerRateLimits);
    for (const bucket of all) expect(bucket.period).toBe(RATE_LIMIT_PERIOD_SECONDS);
    const command = wranglerRateLimits("wrangler.command.toml");
    const [requests, mutations] = ["REQUEST_LIMITER", "MUTATION_LIMITER"].map(
      (name) => command.find((r) => r.name === name)?.limit ?? 0,
    );
    expect(mutations).toBeLessThan(requests ?? 0);
  });

  it("no two bindings share a namespace_id (they would share counters)", () => {
    const ids = FILES.flatMap(wranglerRateLimits).map((r) => r.namespaceId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
