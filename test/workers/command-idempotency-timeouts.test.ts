/**
 * Idempotency keys across timeouts (the command worker's KAFKA_TIMEOUT_MS and REDIS_TIMEOUT_MS at 1 s here). A
 * create whose append got no answer may have committed: its claim is kept as long as a result would be, names the
 * task it chose, and a retry after the first request's time is up works on that task, so one key never creates two
 * tasks. A Redis read timing out before any append changed nothing: the answer says so, and the claim is dropped so
 * a retry runs at once.
 */
import { Redis } from "@upstash/redis";
import { describe, expect, it } from "vitest";
import { MAY_HAVE_BEEN_RECORDED, NOTHING_CHANGED, unavailable } from "../support/graphql-answers";
import {
  clearFaultsAfterEach,
  createTask,
  eventually,
  historyOf,
  injectFault,
  LIST,
  readLog,
  recordsOf,
  releaseHeld,
  TASK_FIELDS,
  type TaskView,
} from "./support/command-support";
import { useSystem } from "./support/use-system";

/**
 * The command worker's time limits: short, so that a held call times out soon, but with room for every call that is
 * not held to answer within them on a loaded machine (at 300 ms, a plain create timed out under load). The
 * projector keeps its own limits: these tests hold only the command worker's calls.
 */
const KAFKA_TIMEOUT_MS = 1000;
const REDIS_TIMEOUT_MS = 1000;

/** The body of a request that Redis did not answer within its limit, before any append. */
const redisTimedOut = (field: string) =>
  unavailable(field, "redis", `redis did not answer within ${REDIS_TIMEOUT_MS} ms; ${NOTHING_CHANGED}`);
/** Longer than both limits: the worker gives up first. */
const HANG_MS = 4000;
/** How long a retry may find the key still claimed: the first request's time (6 × KAFKA_TIMEOUT_MS), with room. */
const TAKE_OVER_LIMIT_MS = 30_000;
/** A day: how long an idempotency result is kept. */
const RESULT_TTL_MS = 24 * 60 * 60 * 1000;

const sys = useSystem({
  commandBindings: { KAFKA_TIMEOUT_MS: String(KAFKA_TIMEOUT_MS), REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS) },
});
const kafkaUrl = () => sys().stack.kafka.url;
const redisUrl = () => sys().stack.redis.url;
clearFaultsAfterEach(kafkaUrl);
clearFaultsAfterEach(redisUrl);

const CREATE = `mutation ($text: String!, $key: String) { createTask(text: $text, idempotencyKey: $key) { ${TASK_FIELDS} } }`;
const DELETE = `mutation ($id: String!, $key: String) { deleteTask(id: $id, idempotencyKey: $key) }`;
const UPDATE = `mutation ($id: String!, $text: String!, $done: Boolean!, $key: String) {
  updateTask(id: $id, text: $text, done: $done, idempotencyKey: $key) { ${TASK_FIELDS} }
}`;

const COMPLETE = `mutation ($id: String!, $v: Int, $key: String) {
  completeTask(id: $id, expectedVersion: $v, idempotencyKey: $key) { ${TASK_FIELDS} }
}`;

let n = 0;
const freshKey = (name: string) => `${name}-${Date.now()}-${++n}`;

/** The raw projection Redis, to look at a claim as the worker stored it. */
function redis(): Redis {
  return new Redis({
    url: sys().env.UPSTASH_REDIS_REST_URL ?? "",
    token: sys().env.UPSTASH_REDIS_REST_TOKEN ?? "",
    automaticDeserialization: false,
  });
}

const claimKey = (key: string) => `${sys().env.PROJECTION_PREFIX}:idempotency:${key}`;

/** Retries the mutation while its key is still "in progress"; answers the first other answer. */
async function retryUntilTakenOver(query: string, variables: Record<string, unknown>) {
  return eventually(
    async () => {
      const res = await sys().graphql(query, variables);
      return res.body.errors?.[0]?.extensions?.code === "CONFLICT" ? undefined : res;
    },
    "the retry to take the key over",
    TAKE_OVER_LIMIT_MS,
  );
}

async function tasksTexted(text: string): Promise<TaskView[]> {
  return ((await sys().graphql(LIST)).body.data.list as TaskView[]).filter((t) => t.text === text);
}

describe("a create whose append timed out", () => {
  it("createTask: an append that timed out but committed keeps its claim with its task id, and a retry answers that task", async () => {
    const key = freshKey("pay-rent");
    await injectFault(kafkaUrl(), { kind: "delay", ms: HANG_MS, path: "/produce" });

    const first = await sys().graphql(CREATE, { text: "pay rent", key });

    expect(first.body.errors?.[0]?.message).toBe(
      `kafka did not answer within ${KAFKA_TIMEOUT_MS} ms; ${MAY_HAVE_BEEN_RECORDED}`,
    );
    const created = await eventually(
      async () => {
        const found = (await readLog(sys())).filter(
          (r) => JSON.parse(r.value).metadata?.idempotencyKey === key,
        );
        return found.length > 0 ? found : undefined;
      },
      "the late create in the log",
      TAKE_OVER_LIMIT_MS,
    );
    const taskId = created[0]?.key;
    // Kept as long as a result would be (not a minute), naming the task the request chose.
    const claim = JSON.parse(String(await redis().get(claimKey(key))));
    expect(claim).toMatchObject({ state: "pending", taskId });
    expect(await redis().pttl(claimKey(key))).toBeGreaterThan(RESULT_TTL_MS - 60_000);

    const retry = await retryUntilTakenOver(CREATE, { text: "pay rent", key });

    expect(retry.body).toEqual({
      data: { createTask: expect.objectContaining({ id: taskId, text: "pay rent", version: 1 }) },
    });
    expect((await tasksTexted("pay rent")).map((t) => t.id)).toEqual([taskId]);
    expect(await recordsOf(sys(), taskId ?? "")).toHaveLength(1);
    // The retry's answer is remembered now: a third call gets it back at once.
    expect((await sys().graphql(CREATE, { text: "pay rent", key })).body).toEqual(retry.body);
  });

  it("createTask: after an append that timed out and never committed, a retry creates the task the first one chose", async () => {
    const key = freshKey("never-committed");
    await injectFault(kafkaUrl(), { kind: "timeout", ms: HANG_MS, path: "/produce" });

    const first = await sys().graphql(CREATE, { text: "never committed", key });

    expect(first.body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    const { taskId } = JSON.parse(String(await redis().get(claimKey(key)))) as { taskId: string };
    const retry = await retryUntilTakenOver(CREATE, { text: "never committed", key });

    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.createTask).toMatchObject({ id: taskId, text: "never committed", version: 1 });
    // The first append, held still or dropped already, is ended: it never runs.
    await releaseHeld(kafkaUrl());
    expect((await recordsOf(sys(), taskId)).map((r) => JSON.parse(r.value).type)).toEqual(["TaskCreated"]);
  });
});

describe("a create on a named list whose append timed out", () => {
  const CREATE_ON = `mutation ($text: String!, $l: String!, $key: String) {
    createTask(text: $text, listId: $l, idempotencyKey: $key) { ${TASK_FIELDS} } }`;

  it("createTask: a retry, its claim sent with the sealed list's look, takes the claim over once the look admits it and creates the task the first one chose", async () => {
    const list = (await sys().graphql('mutation { createList(title: "errands") { id } }')).body.data
      .createList;
    // The isolate opens the list first: a later create with a key sends its claim along with the look.
    await sys().graphql(CREATE_ON, { text: "warm up", l: list.id, key: freshKey("warm") });
    const key = freshKey("sealed-never-committed");
    await injectFault(kafkaUrl(), { kind: "timeout", ms: HANG_MS, path: "/produce" });

    const first = await sys().graphql(CREATE_ON, { text: "post the letters", l: list.id, key });

    expect(first.body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    const claim = JSON.parse(String(await redis().get(claimKey(key)))) as {
      taskId: string;
      fingerprint: string;
    };
    // The claim remembers a digest of the words under the list's key, never the words.
    expect(claim.fingerprint).not.toContain("post the letters");
    const retry = await retryUntilTakenOver(CREATE_ON, { text: "post the letters", l: list.id, key });

    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.createTask).toMatchObject({
      id: claim.taskId,
      text: "post the letters",
      version: 1,
    });
    const other = await sys().graphql(CREATE_ON, { text: "other words", l: list.id, key });
    expect(other.body.errors?.[0]?.message).toBe(
      "this idempotencyKey was already used for a different request",
    );
  });
});

describe("a change whose append timed out", () => {
  it("deleteTask: a delete that timed out but committed answers the task's id to a retry, not NOT_FOUND", async () => {
    const { task } = await createTask(sys(), "Deleted late");
    await historyOf(sys(), task.id, 1);
    const key = freshKey("delete-late");
    await injectFault(kafkaUrl(), { kind: "delay", ms: HANG_MS, path: "/produce" });

    const first = await sys().graphql(DELETE, { id: task.id, key });
    const retry = await retryUntilTakenOver(DELETE, { id: task.id, key });

    expect(first.body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    expect(retry.body).toEqual({ data: { deleteTask: task.id } });
    expect((await recordsOf(sys(), task.id)).map((r) => JSON.parse(r.value).type)).toEqual([
      "TaskCreated",
      "TaskDeleted",
    ]);
  });

  it("updateTask: an update that timed out but committed answers the task to a retry, and appends nothing more", async () => {
    const { task } = await createTask(sys(), "Renamed late");
    await historyOf(sys(), task.id, 1);
    const key = freshKey("update-late");
    await injectFault(kafkaUrl(), { kind: "delay", ms: HANG_MS, path: "/produce" });

    const first = await sys().graphql(UPDATE, { id: task.id, text: "Renamed, late", done: true, key });
    const retry = await retryUntilTakenOver(UPDATE, { id: task.id, text: "Renamed, late", done: true, key });

    expect(first.body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    expect(retry.body).toEqual({
      data: {
        updateTask: { ...task, text: "Renamed, late", done: true, version: 3, updatedAt: expect.any(String) },
      },
    });
    expect((await recordsOf(sys(), task.id)).map((r) => JSON.parse(r.value).type)).toEqual([
      "TaskCreated",
      "TaskRenamed",
      "TaskCompleted",
    ]);
  });
});

describe("an intent whose append timed out", () => {
  it("completeTask: a conditional complete that timed out but committed answers the task to a retry, not CONFLICT, and appends nothing more", async () => {
    const { task } = await createTask(sys(), "Completed late");
    await historyOf(sys(), task.id, 1);
    const key = freshKey("complete-late");
    await injectFault(kafkaUrl(), { kind: "delay", ms: HANG_MS, path: "/produce" });

    // Decided again on version 2, the retry's expectedVersion 1 would be a CONFLICT: its own earlier event is why.
    const first = await sys().graphql(COMPLETE, { id: task.id, v: 1, key });
    const retry = await retryUntilTakenOver(COMPLETE, { id: task.id, v: 1, key });

    expect(first.body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    expect(retry.body).toEqual({
      data: { completeTask: { ...task, done: true, version: 2, updatedAt: expect.any(String) } },
    });
    expect((await recordsOf(sys(), task.id)).map((r) => JSON.parse(r.value).type)).toEqual([
      "TaskCreated",
      "TaskCompleted",
    ]);
  });
});

describe("a Redis read timing out before the append", () => {
  it("updateTask: a read held past REDIS_TIMEOUT_MS says nothing was changed, and drops the claim so a retry runs", async () => {
    const { task } = await createTask(sys(), "Read times out");
    await historyOf(sys(), task.id, 1);
    const key = freshKey("read-timeout");
    // The write's read (a pipeline ending with the last reserved version); the reservation script lists it earlier.
    await injectFault(redisUrl(), {
      kind: "timeout",
      ms: HANG_MS,
      bodyIncludes: `last-reserved:${task.id}"],`,
    });

    const res = await sys().graphql(UPDATE, { id: task.id, text: "Read times out", done: true, key });
    const retry = await sys().graphql(UPDATE, { id: task.id, text: "Read times out", done: true, key });

    expect(res.body).toEqual(redisTimedOut("updateTask"));
    expect(retry.body.data).toEqual({
      updateTask: { ...task, done: true, version: 2, updatedAt: expect.any(String) },
    });
  });

  it("list: a read held past REDIS_TIMEOUT_MS is UNAVAILABLE and does not speak of a write", async () => {
    const prefix = sys().env.PROJECTION_PREFIX;
    await injectFault(redisUrl(), {
      kind: "timeout",
      ms: HANG_MS,
      bodyIncludes: `"${prefix}:order","${prefix}:state","${prefix}:checkpoint"`,
    });

    const res = await sys().graphql(LIST);

    expect(res.body).toEqual(redisTimedOut("list"));
  });
});
