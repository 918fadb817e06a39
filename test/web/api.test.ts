/**
 * The app's GraphQL client: how a failure is classed, which decides whether the outbox sends the change again
 * (same idempotency key) or drops it. `fetch` is replaced for each specification.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { ApiError, graphql } from "../../web/app/api";
import { describeError } from "../../web/app/words";

afterEach(() => {
  vi.unstubAllGlobals();
});

function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  vi.stubGlobal("fetch", async () => new Response(JSON.stringify(body), { status, headers }));
}

async function failure(): Promise<ApiError> {
  try {
    await graphql('mutation { deleteTask(id: "x") }', {});
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("graphql() did not fail");
}

describe("app api", () => {
  test("graphql: a rate limit (429, RATE_LIMITED) passes: the change is sent again later, not dropped", async () => {
    const message = "Too many mutations from your address: wait 10 s and try again.";
    answering(429, { errors: [{ message, extensions: { code: "RATE_LIMITED" } }] }, { "retry-after": "10" });
    const error = await failure();
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("RATE_LIMITED");
    expect(describeError(error, true)).toBe(
      "The server is receiving too many changes from this address; it will take them again in a few seconds. Trying again…",
    );
  });

  test("graphql: 408, 425, 429 and 5xx with no readable body pass, with the Retry-After asked; another 4xx does not", async () => {
    for (const status of [408, 425, 429, 500, 503]) {
      vi.stubGlobal(
        "fetch",
        async () => new Response("<h1>busy</h1>", { status, headers: { "retry-after": "3" } }),
      );
      const error = await failure();
      expect([status, error.kind, error.retryAfterMs]).toEqual([status, "transient", 3000]);
    }
    vi.stubGlobal("fetch", async () => new Response("<h1>no</h1>", { status: 403 }));
    expect((await failure()).kind).toBe("permanent");
  });

  test("graphql: a CONFLICT on expectedVersion is an answer (permanent), a CONFLICT of racing writers passes", async () => {
    const conflict = (field?: string) =>
      answering(200, { data: null, errors: [{ message: "x", extensions: { code: "CONFLICT", field } }] });
    conflict("expectedVersion");
    expect((await failure()).kind).toBe("permanent");
    conflict();
    expect((await failure()).kind).toBe("transient");
  });

  test("graphql: a refusal that a retry cannot change stays permanent", async () => {
    answering(200, { data: null, errors: [{ message: "no task", extensions: { code: "NOT_FOUND" } }] });
    expect((await failure()).kind).toBe("permanent");
  });
});
