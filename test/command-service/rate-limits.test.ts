/**
 * The command worker's rate limits, in process: `createCommandApp({ deps })` over the in-memory log and
 * projection, with rate limiting bindings of the test's own (test/support/fake-limiter.ts) in place of Cloudflare's.
 * Every request to /graphql spends one token of REQUEST_LIMITER; a mutation also spends one token of
 * MUTATION_LIMITER per mutation field, once its document is valid and before it runs; both under the client's
 * address. The same buckets with the wrangler files' numbers, in workerd: test/workers/rate-limits.test.ts.
 */
import { describe, expect, it } from "vitest";
import { createMemoryEventLog } from "../../shared/event-log/memory/event-log";
import { createMemoryListRegistry } from "../../shared/lists/memory/registry";
import { DEFAULT_MAX_LIST_TASKS } from "../../workers/command/access";
import { createCommandApp } from "../../workers/command/app";
import type { CommandDeps } from "../../workers/command/deps";
import { type FakeLimiter, fakeLimiter } from "../support/fake-limiter";
import { createMemoryProjection } from "../support/memory-projection";
import { allRecords } from "./given";

const A = "203.0.113.7";
const B = "198.51.100.9";

function world(limiters: { requests?: FakeLimiter; mutations?: FakeLimiter } = {}) {
  const log = createMemoryEventLog({ partitions: 1, timeoutMs: 5000 });
  const projection = createMemoryProjection();
  const deps: CommandDeps = {
    log,
    reservationTtlMs: 30_000,
    live: async () => ({ namespace: "spec", store: projection.readModel, guard: projection.guard }),
    idempotency: projection.idempotency,
    notifier: { poke: async () => {}, pokeMany: async () => {} },
    rebuildStatus: async (namespace) => ({ namespace, rebuild: null, lastRebuild: null, retiring: [] }),
    lists: createMemoryListRegistry(),
    defaultList: { kind: "open" },
    maxListTasks: DEFAULT_MAX_LIST_TASKS,
  };
  const app = createCommandApp({ deps });
  const env = {
    ...(limiters.requests ? { REQUEST_LIMITER: limiters.requests } : {}),
    ...(limiters.mutations ? { MUTATION_LIMITER: limiters.mutations } : {}),
  };
  const background: Promise<unknown>[] = [];
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void background.push(p),
    passThroughOnException() {},
    props: {},
  };
  return {
    log,
    async post(query: string, address?: string) {
      const res = await app.request(
        "http://command.test/graphql",
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json",
            ...(address ? { "cf-connecting-ip": address } : {}),
          },
          body: JSON.stringify({ query }),
        },
        env,
        ctx,
      );
      await Promise.all(background.splice(0));
      return { status: res.status, headers: res.headers, body: await res.json() };
    },
    get: (path: string) => app.request(`http://command.test${path}`, {}, env, ctx),
  };
}

const LIST = "{ list { id } }";
const CREATE = (alias: string) => `${alias}: createTask(text: "t") { id }`;
const RATE_LIMITED = (what: string) => ({
  errors: [
    {
      message: `Too many ${what} from your address: wait 10 s and try again.`,
      extensions: { code: "RATE_LIMITED" },
    },
  ],
});

describe("command worker: rate limits", () => {
  it("graphql: every request spends one token of REQUEST_LIMITER under the client's address; a query nothing more", async () => {
    const requests = fakeLimiter();
    const mutations = fakeLimiter();
    const w = world({ requests, mutations });
    expect((await w.post(LIST, A)).status).toBe(200);
    expect((await w.post(`mutation { ${CREATE("a")} }`, B)).status).toBe(200);
    expect(requests.calls).toEqual([A, B]);
    expect(mutations.calls).toEqual([B]);
  });

  it("graphql: a mutation spends one MUTATION_LIMITER token per mutation field, fragments included, __typename not", async () => {
    const mutations = fakeLimiter();
    const w = world({ requests: fakeLimiter(), mutations });
    const query = `mutation { ${CREATE("a")} ${CREATE("b")} __typename ...More ... on Mutation { ${CREATE("c")} } }
      fragment More on Mutation { ${CREATE("d")} }`;
    const res = await w.post(query, A);
    expect(res.status).toBe(200);
    expect(mutations.calls).toEqual([A, A, A, A]);
  });

  it("graphql: over REQUEST_LIMITER, 429 with Retry-After and a RATE_LIMITED error, and nothing runs", async () => {
    const mutations = fakeLimiter();
    const w = world({ requests: fakeLimiter({ limit: 1 }), mutations });
    expect((await w.post(`mutation { ${CREATE("a")} }`, A)).status).toBe(200);
    const res = await w.post(`mutation { ${CREATE("a")} }`, A);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(res.headers.get("content-type")).toBe("application/graphql-response+json; charset=utf-8");
    expect(res.body).toEqual(RATE_LIMITED("requests"));
    expect(mutations.calls).toEqual([A]);
    expect(await allRecords(w.log)).toHaveLength(1);
  });

  it("graphql: over MUTATION_LIMITER, the whole mutation is refused (429) before it runs; reads from that address pass", async () => {
    const w = world({ requests: fakeLimiter(), mutations: fakeLimiter({ limit: 3 }) });
    const res = await w.post(`mutation { ${CREATE("a")} ${CREATE("b")} ${CREATE("c")} ${CREATE("d")} }`, A);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(res.body).toEqual(RATE_LIMITED("mutations"));
    expect(await allRecords(w.log)).toHaveLength(0);
    expect((await w.post(LIST, A)).status).toBe(200);
  });

  it("graphql: another address has buckets of its own", async () => {
    const w = world({ requests: fakeLimiter(), mutations: fakeLimiter({ limit: 1 }) });
    expect((await w.post(`mutation { ${CREATE("a")} }`, A)).status).toBe(200);
    expect((await w.post(`mutation { ${CREATE("a")} }`, A)).status).toBe(429);
    expect((await w.post(`mutation { ${CREATE("a")} }`, B)).status).toBe(200);
  });

  it("graphql: without CF-Connecting-IP every request shares the key 'unknown'", async () => {
    const requests = fakeLimiter();
    const w = world({ requests, mutations: fakeLimiter() });
    await w.post(LIST);
    await w.post(LIST, "not an address");
    expect(requests.calls).toEqual(["unknown", "unknown"]);
  });

  it("graphql: a mutation that fails validation spends no mutation token", async () => {
    const mutations = fakeLimiter();
    const w = world({ requests: fakeLimiter(), mutations });
    expect((await w.post("mutation { nope }", A)).status).toBe(400);
    expect(mutations.calls).toEqual([]);
  });

  it("graphql: a missing limiter binding is MISCONFIGURED naming it (REQUEST_LIMITER on every request, MUTATION_LIMITER on mutations)", async () => {
    const missing = (name: string) => ({
      errors: [
        {
          message: `configuration: ${name} is missing: declare it as a rate limiting binding ([[ratelimits]]) in the worker's wrangler file`,
          extensions: { code: "MISCONFIGURED", requestId: expect.any(String) },
        },
      ],
    });
    const none = await world().post(LIST, A);
    expect(none.status).toBe(500);
    expect(none.body).toEqual(missing("REQUEST_LIMITER"));
    const w = world({ requests: fakeLimiter() });
    expect((await w.post(LIST, A)).status).toBe(200);
    const mutation = await w.post(`mutation { ${CREATE("a")} }`, A);
    expect(mutation.status).toBe(500);
    expect(mutation.body).toEqual(missing("MUTATION_LIMITER"));
  });

  it("health: spends nothing and answers without the bindings", async () => {
    const res = await world().get("/health");
    expect(res.status).toBe(200);
  });
});
