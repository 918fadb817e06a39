/**
 * A read of a named list costs the command worker one Redis request, as one of the default list does: the list's
 * registry entry (its data key, its view id) is read by the page's own script, not in a request of its own before
 * it; a create on a named list waits for no more round trips before its append than one on the default list; and a
 * read whose isolate holds a copy of the live pointer a few seconds old does not wait for the pointer, read beside it.
 * Counted on the Redis REST emulator's request counter, against the worker in workerd. The command worker pokes a
 * projector that does not exist, so no fold adds to the counts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { POINTER_CACHE_MS } from "../../shared/rebuild/namespace";
import { admin, eventually } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ commandBindings: { PROJECTOR_URL: "http://127.0.0.1:9/projection" } });

const CREATE_LIST = 'mutation { createList(title: "groceries") { id viewId } }';
const TASKS = "query ($l: String!) { tasks(first: 5, listId: $l) { tasks { id } nextCursor } }";
const LIST = "query ($l: String!) { list(limit: 5, listId: $l) { id } }";
const DEFAULT_TASKS = "{ tasks(first: 5) { tasks { id } nextCursor } }";
const CREATE_ON = 'mutation ($l: String!) { createTask(text: "milk", listId: $l) { id } }';
const TASK = "query ($l: String!, $id: String!) { task(id: $id, listId: $l) { id } }";
const HISTORY = "query ($l: String!, $id: String!) { history(id: $id, listId: $l) { eventId } }";

/**
 * The Redis requests a GraphQL request sends the second time it is sent (the first loads the scripts into Redis, an
 * EVAL after each EVALSHA, and lets the isolate learn a view id's list), apart from the live namespace's pointer:
 * each isolate reads it (a GET and an HGETALL in one pipeline, the only GET a read sends) when its copy is older
 * than 2 s, which on a loaded machine may or may not fall within the request.
 */
async function redisRequests(query: string, variables: Record<string, unknown> = {}): Promise<number> {
  const redis = sys().stack.redis.url;
  await sys().graphql(query, variables);
  await Promise.all([admin(redis, "DELETE", "stats"), admin(redis, "DELETE", "commands")]);
  const { body } = await sys().graphql(query, variables);
  expect(body.errors).toBeUndefined();
  const [stats, commands] = (await Promise.all([
    admin(redis, "GET", "stats"),
    admin(redis, "GET", "commands"),
  ])) as [{ total: number }, { commands: Record<string, number> }];
  return stats.total - ((commands.commands.GET ?? 0) > 0 ? 1 : 0);
}

const KEYED_CREATE_ON =
  'mutation ($l: String!, $key: String!) { createTask(text: "milk", listId: $l, idempotencyKey: $key) { id } }';
const KEYED_CREATE = 'mutation ($key: String!) { createTask(text: "milk", idempotencyKey: $key) { id } }';

/**
 * The Redis requests a mutation sends before its append, and the scripts among their commands (the live pointer's
 * pipeline left out, as above): its append is held in the log emulator while they are counted.
 */
async function beforeAppend(
  query: string,
  variables: Record<string, unknown>,
): Promise<{ requests: number; scripts: number }> {
  const redis = sys().stack.redis.url;
  const log = sys().logEmulatorUrl;
  await Promise.all([admin(redis, "DELETE", "stats"), admin(redis, "DELETE", "commands")]);
  await admin(log, "POST", "faults", { kind: "hold", path: "/produce" });
  const answer = sys().graphql(query, variables);
  await eventually(async () => expect(await admin(log, "GET", "held")).toEqual({ held: 1 }));
  const [stats, commands] = (await Promise.all([
    admin(redis, "GET", "stats"),
    admin(redis, "GET", "commands"),
  ])) as [{ total: number }, { commands: Record<string, number> }];
  await admin(log, "POST", "held/release");
  expect((await answer).body.errors).toBeUndefined();
  const counted = commands.commands;
  return {
    requests: stats.total - ((counted.GET ?? 0) > 0 ? 1 : 0),
    scripts: (counted.EVALSHA ?? 0) + (counted.EVAL ?? 0),
  };
}

describe("the Redis requests of a named list's read", () => {
  it("tasks, list: a page of the default list is one request (what a named list's read is held to)", async () => {
    expect(await redisRequests(DEFAULT_TASKS)).toBe(1);
  });

  it("tasks, list: a page of a named list by its id is one request", async () => {
    const { id } = (await sys().graphql(CREATE_LIST)).body.data.createList;
    expect(await redisRequests(TASKS, { l: id })).toBe(1);
    expect(await redisRequests(LIST, { l: id })).toBe(1);
  });

  it("tasks, list: a page by a view id is one request once the isolate has seen the view id", async () => {
    const { viewId } = (await sys().graphql(CREATE_LIST)).body.data.createList;
    expect(await redisRequests(TASKS, { l: viewId })).toBe(1);
    expect(await redisRequests(LIST, { l: viewId })).toBe(1);
  });

  it("task, history: a task of a named list, or its history, is one request, by the list's id or its view id", async () => {
    const { id, viewId } = (await sys().graphql(CREATE_LIST)).body.data.createList;
    const task = (await sys().graphql(CREATE_ON, { l: id })).body.data.createTask.id;
    for (const l of [id, viewId]) {
      expect(await redisRequests(TASK, { l, id: task })).toBe(1);
      expect(await redisRequests(HISTORY, { l, id: task })).toBe(1);
    }
  });

  it("createTask with an idempotency key: one Redis request before the append on a named list, as on the default list", async () => {
    const { id } = (await sys().graphql(CREATE_LIST)).body.data.createList;
    // The first create of the list in the isolate looks first (its fingerprint needs the list's key) and loads
    // the scripts into Redis; the second is the one counted.
    await sys().graphql(KEYED_CREATE_ON, { l: id, key: `warm-${id}` });
    await sys().graphql(KEYED_CREATE, { key: `warm-default-${id}` });

    expect(await beforeAppend(KEYED_CREATE_ON, { l: id, key: `counted-${id}` })).toEqual({
      requests: 1,
      scripts: 2,
    });
    expect(await beforeAppend(KEYED_CREATE, { key: `counted-default-${id}` })).toEqual({
      requests: 1,
      scripts: 1,
    });
  });

  it("createTask without an idempotency key: on a named list the isolate has opened, the append leaves before the look answers, as on the default list", async () => {
    const { id } = (await sys().graphql(CREATE_LIST)).body.data.createList;
    // The first create of the list in the isolate looks first: it learns the list's key and size.
    await sys().graphql(CREATE_ON, { l: id });
    const redis = sys().stack.redis.url;
    const log = sys().logEmulatorUrl;
    await admin(redis, "POST", "faults", { kind: "hold", bodyIncludes: `list-meta:${id}` });
    await admin(log, "POST", "faults", { kind: "hold", path: "/produce" });

    const answer = sys().graphql(CREATE_ON, { l: id });

    // Both are held at once: the append was sent while the look was still unanswered.
    await eventually(async () => {
      expect(await admin(redis, "GET", "held")).toEqual({ held: 1 });
      expect(await admin(log, "GET", "held")).toEqual({ held: 1 });
    });
    await Promise.all([admin(redis, "POST", "held/release"), admin(log, "POST", "held/release")]);
    expect((await answer).body.errors).toBeUndefined();
  });

  it("createTask: a named list's size (the bound) is read in the script that opens the list, not a command of its own", async () => {
    const { id } = (await sys().graphql(CREATE_LIST)).body.data.createList;
    await sys().graphql(CREATE_ON, { l: id });
    const redis = sys().stack.redis.url;
    await admin(redis, "DELETE", "commands");
    const { body } = await sys().graphql(CREATE_ON, { l: id });
    expect(body.errors).toBeUndefined();
    const { commands } = (await admin(redis, "GET", "commands")) as { commands: Record<string, number> };
    expect(commands.ZCARD).toBeUndefined();
  });

  it("a read in an isolate whose copy of the live pointer is past POINTER_CACHE_MS answers without waiting for the pointer, which is read beside it", async () => {
    const redis = sys().stack.redis.url;
    expect((await sys().graphql(DEFAULT_TASKS)).body.errors).toBeUndefined();
    // The copy's age is the condition: it only grows (and is far from POINTER_STALE_MS, a minute).
    await sleep(POINTER_CACHE_MS + 200);
    await admin(redis, "POST", "faults", {
      kind: "hold",
      bodyIncludes: `"${sys().env.PROJECTION_PREFIX}:live"`,
    });

    const { body } = await sys().graphql(DEFAULT_TASKS);

    expect(body.errors).toBeUndefined();
    // The pointer's read went out beside the page and is held still.
    await eventually(async () => expect(await admin(redis, "GET", "held")).toEqual({ held: 1 }));
    await admin(redis, "POST", "held/release");
  });
});
