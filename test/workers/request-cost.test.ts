/**
 * What one request can cost at most, counted: the worst-case documents are sent to the command worker in workerd,
 * and the Redis commands, event-log requests and QStash messages it sends are read from the emulators' request
 * counters. Each is refused with QUERY_TOO_COSTLY before it costs anything, or stays within the bound docs/security.md
 * derives from the limits. The command worker pokes a projector that does not exist, so no fold adds to the counts.
 */
import { describe, expect, it } from "vitest";
import { RedisClient } from "../../local/redis/client";
import { REQUEST_BOUND, WAIT_CHECKS } from "../../workers/command/cost";
import { admin } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ commandBindings: { PROJECTOR_URL: "http://127.0.0.1:9/projection" } });

/** A token no projection reaches: a query waiting for it waits its whole bound. */
const NEVER = "0:999999999999999";
const TASK_ID = "00000000-0000-4000-8000-000000000000";

interface Cost {
  redis: number;
  log: number;
  qstash: number;
}

const total = (answer: unknown) => (answer as { total: number }).total;
const commandCount = (answer: unknown) =>
  Object.values((answer as { commands: Record<string, number> }).commands).reduce((a, b) => a + b, 0);

function emulators() {
  const { stack } = sys();
  return { redis: stack.redis.url, log: sys().logEmulatorUrl, qstash: stack.qstash.url };
}

async function resetCounters(): Promise<void> {
  const { redis, log, qstash } = emulators();
  await Promise.all([
    admin(redis, "DELETE", "stats"),
    admin(redis, "DELETE", "commands"),
    admin(log, "DELETE", "stats"),
    admin(qstash, "DELETE", "stats"),
  ]);
}

async function readCounters(): Promise<Cost> {
  const { redis, log, qstash } = emulators();
  const [commands, logStats, qstashStats] = await Promise.all([
    admin(redis, "GET", "commands"),
    admin(log, "GET", "stats"),
    admin(qstash, "GET", "stats"),
  ]);
  // On redis-streams the log is in the same Redis: its requests are Redis commands, counted there.
  return {
    redis: commandCount(commands),
    log: log === redis ? 0 : total(logStats),
    qstash: total(qstashStats),
  };
}

/** Keys read straight from redis-server (not through the REST emulator, so the reads are not counted). */
async function keysMatching(pattern: string): Promise<string[]> {
  const client = new RedisClient({ host: "127.0.0.1", port: sys().stack.redisServer.port });
  try {
    const [reply] = await client.send([["KEYS", pattern].map((s) => Buffer.from(s))]);
    if (reply?.type !== "array" || reply.value === null)
      throw new Error(`KEYS answered ${JSON.stringify(reply)}`);
    return reply.value.map((item) => (item.type === "bulk" ? String(item.value) : ""));
  } finally {
    client.close();
  }
}

/** Sends `query` and counts what it cost; `settled` waits for the work the answer left in the background. */
async function costOf(
  query: string,
  options: { method?: "GET" | "POST"; settled?: (body: Answer) => Promise<void> } = {},
): Promise<{ body: Answer; cost: Cost }> {
  await resetCounters();
  const body = options.method === "GET" ? await get(query) : (await sys().graphql(query)).body;
  await options.settled?.(body);
  return { body, cost: await readCounters() };
}

type Answer = Awaited<ReturnType<ReturnType<typeof sys>["graphql"]>>["body"];

async function get(query: string): Promise<Answer> {
  const url = `${sys().commandUrl}/graphql?query=${encodeURIComponent(query)}`;
  const res = await fetch(url, { headers: { accept: "application/graphql-response+json" } });
  return (await res.json()) as Answer;
}

/** The bound of one query, on this system's one partition. */
const QUERY = {
  redis: REQUEST_BOUND.request.redis + REQUEST_BOUND.query.redis,
  log: REQUEST_BOUND.query.logPerPartition,
};

const aliased = (count: number, field: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join("\n");

function expectTooCostly(body: Answer, limit: RegExp): void {
  expect(body).toEqual({
    errors: [{ message: expect.stringMatching(limit), extensions: { code: "QUERY_TOO_COSTLY" } }],
  });
}

describe("the cost of one request", () => {
  it("cost: 20 aliased task(after:) waits are refused before any Redis command", async () => {
    const { body, cost } = await costOf(
      `{ ${aliased(20, () => `task(id: "${TASK_ID}", after: "${NEVER}") { id }`)} }`,
    );

    expectTooCostly(body, /at most 1 field .*waits for a consistency token/);
    expect(cost).toEqual({ redis: 0, log: 0, qstash: 0 });
  });

  it("cost: the same over GET, as list(limit: 1, after:) ×20, is refused too", async () => {
    const { body, cost } = await costOf(
      `{ ${aliased(20, () => `list(limit: 1, after: "${NEVER}") { id }`)} }`,
      {
        method: "GET",
      },
    );

    expectTooCostly(body, /at most 1 field .*waits for a consistency token/);
    expect(cost).toEqual({ redis: 0, log: 0, qstash: 0 });
  });

  it("cost: one wait for a token never reached polls with backoff, within the bound", async () => {
    const { body, cost } = await costOf(`{ task(id: "${TASK_ID}", after: "${NEVER}") { id } }`);

    expect(body.errors?.[0]?.extensions?.code).toBe("STALE");
    // At most the live pointer, the checkpoint at each of the wait's checks, and the task (a loaded machine's slow
    // checks leave room for fewer): 135 when the wait polled every 20 ms.
    expect(cost.redis).toBeLessThanOrEqual(1 + WAIT_CHECKS + 1);
    expect(cost).toMatchObject({ log: 0, qstash: 0 });
  });

  it("cost: 20 aliased createTask are refused before anything is appended or published", async () => {
    const { body, cost } = await costOf(
      `mutation { ${aliased(20, (i) => `createTask(text: "t${i}") { id }`)} }`,
    );

    expectTooCostly(body, /at most 5 mutations/);
    expect(cost).toEqual({ redis: 0, log: 0, qstash: 0 });
  });

  it("cost: 5 aliased createTask stay within the bound of 5 mutations", async () => {
    const before = await keysMatching("*:committed:*");
    const { body, cost } = await costOf(
      `mutation { ${aliased(5, (i) => `createTask(text: "t${i}") { id }`)} }`,
      {
        // Each create records its commit and pokes the projector after the answer: wait for all five.
        settled: async () => {
          for (;;) {
            const committed = await keysMatching("*:committed:*");
            const counted = await readCounters();
            if (committed.length - before.length >= 5 && counted.qstash >= 5) return;
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        },
      },
    );

    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data ?? {})).toHaveLength(5);
    expect(cost.redis).toBeLessThanOrEqual(REQUEST_BOUND.request.redis + 5 * REQUEST_BOUND.mutation.redis);
    expect(cost.log).toBeLessThanOrEqual(5 * REQUEST_BOUND.mutation.log);
    expect(cost.qstash).toBeLessThanOrEqual(5 * REQUEST_BOUND.mutation.qstash);
  });

  it("cost: 10 aliased list reads (100 tasks each by default) stay within the bound", async () => {
    const { body, cost } = await costOf(`{ ${aliased(10, () => "list { id text }")} }`);

    expect(body.errors).toBeUndefined();
    expect(cost.redis).toBeLessThanOrEqual(QUERY.redis);
    expect(cost).toMatchObject({ log: 0, qstash: 0 });
  });

  it("cost: 20 aliased reads of 20 lists, each by its view id (the costliest way to open a list), stay within the bound", async () => {
    const views: string[] = [];
    for (let i = 0; i < 20; i++) {
      const minted = await sys().graphql("mutation { createList { viewId } }");
      views.push(minted.body.data.createList.viewId);
    }
    const { body, cost } = await costOf(
      `{ ${aliased(20, (i) => `tasks(listId: "${views[i]}", first: 10) { tasks { id } }`)} }`,
    );

    expect(body.errors).toBeUndefined();
    // A view id the isolate has not seen costs a look of its own (which finds its list), before the one that
    // reads its list's entry with its page.
    expect(cost.redis).toBeGreaterThanOrEqual(20 * 2);
    expect(cost.redis).toBeLessThanOrEqual(QUERY.redis);
    expect(cost).toMatchObject({ log: 0, qstash: 0 });
  });

  it("cost: list pages of more than 1,000 tasks in all are refused before any Redis command", async () => {
    const { body, cost } = await costOf(`{ ${aliased(3, () => "list(limit: 500) { id text }")} }`);

    expectTooCostly(body, /reads up to 1500 tasks .*at most 1000/);
    expect(cost).toEqual({ redis: 0, log: 0, qstash: 0 });
  });

  it("cost: 20 aliased projection read the status once (cached), within the bound", async () => {
    const { body, cost } = await costOf(`{ ${aliased(20, () => "projection { lag applied }")} }`);

    expect(body.errors).toBeUndefined();
    // One read of the status (the live pointer and 8 commands), not one per alias (20 reads: 180 commands). A
    // loaded machine can make it two (the pointer's or the status's cache expiring while the request runs, or the
    // first request of an isolate loading a script): alone in its file, on a busy machine, it counted 10 and 11.
    expect(cost.redis).toBeLessThanOrEqual(2 * (1 + 8));
    expect(cost.redis).toBeLessThanOrEqual(QUERY.redis);
    expect(cost.log).toBeLessThanOrEqual(QUERY.log);
    expect(cost.qstash).toBe(0);
  });

  it("cost: 10 public GET /status sent together read the status once, not 10 times (cached per isolate)", async () => {
    await resetCounters();

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${sys().projectorUrl}/status`)),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const cost = await readCounters();
    // One read is the live pointer and 10 commands, and a log head; a read that expires between two requests of
    // a stalled machine would make it two.
    expect(cost.redis).toBeLessThanOrEqual(2 * 11);
    expect(cost.log).toBeLessThanOrEqual(2);
  });
});
