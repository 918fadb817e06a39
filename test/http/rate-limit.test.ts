/**
 * The rate limits' shared decisions, in process: which bucket key a client address gets, how a limiter binding is
 * read (and refused when missing), and how a request spends several tokens of one bucket.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/errors";
import { clientKey, RATE_LIMIT_PERIOD_SECONDS, rateLimiter, spend } from "../../shared/http/rate-limit";
import { fakeLimiter } from "../support/fake-limiter";

describe("clientKey", () => {
  it("clientKey: an IPv4 address is its own key", () => {
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
  });

  it("clientKey: an IPv6 address counts as its whole /64, however it is written", () => {
    const key = "2001:db8:0:1::/64";
    expect(clientKey("2001:db8:0:1::5")).toBe(key);
    expect(clientKey("2001:0DB8:0000:0001:ffff:ffff:ffff:ffff")).toBe(key);
    expect(clientKey("2001:db8::1:0:0:0:9")).toBe(key);
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
  });

  it("clientKey: an IPv4 address mapped into IPv6 is the IPv4 address", () => {
    expect(clientKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("clientKey: no address, or anything that is not one, shares a single key", () => {
    for (const header of [undefined, "", "unknown", "203.0.113.256", "1:2:3", "1::2::3", "a".repeat(100)]) {
      expect(clientKey(header)).toBe("unknown");
    }
  });
});

describe("rateLimiter", () => {
  it("rateLimiter: the binding, when it has a limit() method", () => {
    const limiter = fakeLimiter();
    expect(rateLimiter({ REQUEST_LIMITER: limiter }, "REQUEST_LIMITER")).toBe(limiter);
  });

  it("rateLimiter: a missing binding is a configuration error naming it and where to declare it", () => {
    expect(() => rateLimiter({}, "MUTATION_LIMITER")).toThrow(
      new ConfigError(
        "MUTATION_LIMITER",
        "is missing: declare it as a rate limiting binding ([[ratelimits]]) in the worker's wrangler file",
      ),
    );
  });

  it("rateLimiter: a binding of another kind is a configuration error that does not echo its value", () => {
    const error = (() => {
      try {
        rateLimiter({ REQUEST_LIMITER: "secret-looking value" }, "REQUEST_LIMITER");
      } catch (err) {
        return err as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toBe(
      "configuration: REQUEST_LIMITER must be a rate limiting binding ([[ratelimits]]), not a variable or secret",
    );
  });
});

describe("spend", () => {
  it("spend: one token per call of limit(), all under the client's key", async () => {
    const limiter = fakeLimiter({ limit: 10 });
    expect(await spend(limiter, "203.0.113.7", 3)).toBe(true);
    expect(limiter.calls).toEqual(["203.0.113.7", "203.0.113.7", "203.0.113.7"]);
  });

  it("spend: refused at the first call the limiter refuses, and asks no further", async () => {
    const limiter = fakeLimiter({ limit: 2 });
    expect(await spend(limiter, "k", 5)).toBe(false);
    expect(limiter.calls).toEqual(["k", "k", "k"]);
  });

  it("spend: nothing to spend asks nothing", async () => {
    const limiter = fakeLimiter({ limit: 0 });
    expect(await spend(limiter, "k", 0)).toBe(true);
    expect(limiter.calls).toEqual([]);
  });

  it("RATE_LIMIT_PERIOD_SECONDS: the period Retry-After names is one the binding accepts", () => {
    expect([10, 60]).toContain(RATE_LIMIT_PERIOD_SECONDS);
  });
});
