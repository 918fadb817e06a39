/**
 * When a write's commit is recorded for the next writer, and what it costs (docs/architecture.md#deciding-racing-writers).
 * Where the log is kept in the database that holds the write guards (Redis Streams in the projection's own
 * database, as in this suite's redis-streams project), the append's script records the commit, and an update's
 * append checks its task itself instead of a reservation: an acknowledged write is committed in the same step, with
 * no request of its own, and a lost answer leaves nothing for the next writer to wait on. On a log elsewhere (Kafka
 * REST, Redpanda) the commit is a request the worker sends after the answer, an update reserves first, and a commit
 * lost on the way, or an append of unknown outcome, makes the next writer wait for the projection. Counted on the
 * emulators' counters against the worker in workerd; the command worker pokes a projector that does not exist, so
 * no fold adds to the counts and nothing is projected.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { COMMIT } from "../../shared/write-guard/redis/scripts";
import {
  appendCallOf,
  clearFaultsAfterEach,
  eventually,
  injectFault,
  TASK_FIELDS,
  UPDATE,
} from "./support/command-support";
import { admin } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ commandBindings: { PROJECTOR_URL: "http://127.0.0.1:9/projection" } });
clearFaultsAfterEach(() => sys().stack.redis.url);
clearFaultsAfterEach(() => sys().logEmulatorUrl);

const CREATE = `mutation ($text: String!) { createTask(text: $text) { ${TASK_FIELDS} } }`;
/** What the worker sends when it commits in a request of its own (EVALSHA first, as every script). */
const COMMIT_SHA = createHash("sha1").update(COMMIT).digest("hex");

const run = promisify(execFile);
const sharesGuards = () => sys().eventLog === "redis-streams";

/** A key read straight from redis-server, so that the read is not counted at the REST emulator. */
async function rawGet(key: string): Promise<string> {
  const port = String(sys().stack.redisServer.port);
  return (await run("redis-cli", ["-p", port, "GET", key])).stdout.trim();
}

const committedKey = (taskId: string) => `${sys().env.PROJECTION_PREFIX}:committed:${taskId}`;

/** Waits until the task's commit holds `version`. */
async function committedAt(taskId: string, version: number): Promise<void> {
  await eventually(
    async () => ((await rawGet(committedKey(taskId))).startsWith(`${version}:`) ? true : undefined),
    `the commit of version ${version}`,
  );
}

async function resetCounters(): Promise<void> {
  const { redis } = sys().stack;
  const log = sys().logEmulatorUrl;
  await Promise.all([
    admin(redis.url, "DELETE", "stats"),
    admin(redis.url, "DELETE", "commands"),
    ...(log === redis.url ? [] : [admin(log, "DELETE", "stats")]),
  ]);
}

/**
 * The Redis requests and log requests counted since the reset, without the live pointer's pipeline (a GET and an
 * HGETALL, the only HGETALL a write sends), which an isolate reads when its copy is over 2 s old.
 */
async function counted(): Promise<{ redis: number; log?: number }> {
  const redis = sys().stack.redis.url;
  const log = sys().logEmulatorUrl;
  const [stats, commands, logStats] = (await Promise.all([
    admin(redis, "GET", "stats"),
    admin(redis, "GET", "commands"),
    log === redis ? undefined : admin(log, "GET", "stats"),
  ])) as [{ total: number }, { commands: Record<string, number> }, { total: number } | undefined];
  const pointer = (commands.commands.HGETALL ?? 0) > 0 ? 1 : 0;
  return { redis: stats.total - pointer, ...(logStats && { log: logStats.total }) };
}

/**
 * Where to store an update's append and then lose its answer (`fail-after`): 408 from Redis (the update's append
 * script, by its digest), 500 from Kafka REST or Redpanda's produce route. The worker cannot tell its outcome.
 */
function lostAnswerFault(): [string, Record<string, unknown>] {
  if (sys().eventLog === "redis-streams")
    return [sys().stack.redis.url, { status: 408, bodyIncludes: appendCallOf("change") }];
  if (sys().eventLog === "redpanda")
    return [sys().logEmulatorUrl, { status: 500, path: `/topics/${sys().env.UPSTASH_KAFKA_TOPIC}` }];
  return [sys().logEmulatorUrl, { status: 500, path: "/produce" }];
}

async function create(text: string): Promise<{ id: string; version: number }> {
  const res = await sys().graphql(CREATE, { text });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.createTask;
}

describe("a write's commit", () => {
  it("a create: committed by its append's own script where the log shares the guards' database, else by a request after the answer", async () => {
    // A first create loads the scripts into Redis (an EVAL after each EVALSHA): counted before the reset, its
    // commit included.
    await committedAt((await create("Loads the scripts")).id, 1);
    await resetCounters();
    const task = await create("Counted");
    // The commit is there once the background work is done (at the answer, where the append recorded it).
    await committedAt(task.id, 1);
    expect(await rawGet(committedKey(task.id))).toMatch(/^1:[^:]+:\{"status":"active"/);
    if (sharesGuards()) {
      expect(await counted()).toEqual({ redis: 1 });
    } else {
      expect(await counted()).toEqual({ redis: 1, log: 1 });
    }
  });

  it("an update: read, then the append that checks the task and commits (on a log elsewhere: read, reserve, append, then the commit)", async () => {
    const task = await create("Renamed twice");
    await sys().graphql(UPDATE, { id: task.id, text: "Loads the scripts", done: false });
    await committedAt(task.id, 2);
    await resetCounters();
    const res = await sys().graphql(UPDATE, { id: task.id, text: "Counted", done: true });
    expect(res.body.errors).toBeUndefined();
    await committedAt(task.id, 4);
    if (sharesGuards()) {
      expect(await counted()).toEqual({ redis: 2 });
    } else {
      expect(await counted()).toEqual({ redis: 3, log: 1 });
    }
  });

  it("a commit request refused: where the append commits, the next write is decided at once; elsewhere it waits for the projection", async () => {
    await injectFault(sys().stack.redis.url, {
      kind: "fail",
      status: 503,
      bodyIncludes: COMMIT_SHA,
      count: 1000,
    });
    const task = await create("Then ticked");
    const next = await sys().graphql(UPDATE, { id: task.id, text: "Then ticked", done: true });
    if (sharesGuards()) {
      expect(next.body.errors).toBeUndefined();
      expect(next.body.data.updateTask).toMatchObject({ id: task.id, done: true, version: 2 });
    } else {
      // Nothing is projected (the projector does not exist) and nothing was committed: the write waited its 3 s.
      expect(next.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAVAILABLE", service: "projector" });
    }
  });
  it("an update whose append's answer is lost: where the append checks and commits, the next writer is decided at once; elsewhere it waits", async () => {
    const task = await create("Answered, then lost");
    // An update first, so that the fault meets the update's append script running (not a NOSCRIPT on Redis).
    expect(
      (await sys().graphql(UPDATE, { id: task.id, text: "loaded", done: false })).body.errors,
    ).toBeUndefined();
    await committedAt(task.id, 2);
    const [url, fault] = lostAnswerFault();
    await injectFault(url, { kind: "fail-after", ...fault });
    const lost = await sys().graphql(UPDATE, { id: task.id, text: "A", done: false });
    expect(lost.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAVAILABLE" });
    const next = await sys().graphql(UPDATE, { id: task.id, text: "B", done: false });
    if (sharesGuards()) {
      // The lost call committed "A" with its record: "B" is decided on it, with nothing projected.
      expect(next.body.errors).toBeUndefined();
      expect(next.body.data.updateTask).toMatchObject({ text: "B", version: 4 });
    } else {
      // Its reservation stays until it expires or the projection holds the log: nothing is projected here.
      expect(next.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAVAILABLE", service: "projector" });
    }
  });
});
