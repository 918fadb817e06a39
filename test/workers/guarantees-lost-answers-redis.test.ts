/**
 * Answers that do not settle a write, on the Redis Streams log: the REST front end (or a proxy before it) may run
 * the append script and then answer 408 or 499. The events are in the log, so the mutation is an unknown outcome,
 * never "nothing was changed": its idempotency claim and its reservation hold, so a retry under the same key
 * answers the same task and the next writer is decided after the stored event instead of being rejected by the
 * fold.
 */
import { describe, expect, it } from "vitest";
import { MAY_HAVE_BEEN_RECORDED, unavailable } from "../support/graphql-answers";
import {
  appendCallOf,
  clearFaultsAfterEach,
  eventually,
  faultsUsedUp,
  injectFault,
  logged,
  projectedTask,
  readLog,
  TASK,
  TASK_FIELDS,
  UPDATE,
} from "./support/command-support";
import { converge, systemProjector } from "./support/guarantees-support";
import { expectProjectionOfLog } from "./support/projector-model";
import { admin } from "./support/projector-support";
import { useSystem } from "./support/use-system";

/** Short, so that a retry may take over a lost request's idempotency key after 12 s (6 × the log's time limit): room for every other call under load. */
const EVENT_LOG_TIMEOUT_MS = 2000;
const sys = useSystem({
  eventLog: "redis-streams",
  commandBindings: { EVENT_LOG_TIMEOUT_MS: String(EVENT_LOG_TIMEOUT_MS) },
});
const redisUrl = () => sys().stack.redis.url;
clearFaultsAfterEach(redisUrl);

/** Longer than the test: the projector's deliveries held for it stay held. */
const HELD_MS = 120_000;

const KEYED_UPDATE = `mutation ($id: String!, $text: String!, $done: Boolean!, $key: String) {
  updateTask(id: $id, text: $text, done: $done, idempotencyKey: $key) { ${TASK_FIELDS} }
}`;

const CREATE_KEYED = `mutation ($text: String!, $key: String) { createTask(text: $text, idempotencyKey: $key) { ${TASK_FIELDS} } }`;

/**
 * A write's append call alone (see appendCallOf: on a log in the projection's database it carries the write's
 * guard), answered `status` after the script ran: the records and the commit are stored.
 */
function storedThen(status: number, write: "create" | "change"): Record<string, unknown> {
  return { kind: "fail-after", status, bodyIncludes: appendCallOf(write) };
}

function unknownOutcome(field: string, status: number) {
  return unavailable(field, "redis", `redis answered ${status} to the append; ${MAY_HAVE_BEEN_RECORDED}`);
}

describe("Redis Streams answering 408 or 499 after the append script ran", () => {
  it.each([408, 499])(
    "createTask: a %i after the append keeps the idempotency claim, so a retry under the same key makes one task",
    async (status) => {
      await projectedTask(sys(), `Loads the append script before a ${status}`);
      const key = `stored-then-${status}-${Date.now()}`;
      const text = `stored, then ${status}`;
      await injectFault(redisUrl(), storedThen(status, "create"));

      const first = await sys().graphql(CREATE_KEYED, { text, key });
      await faultsUsedUp(redisUrl());
      const retry = await sys().graphql(CREATE_KEYED, { text, key });

      expect(retry.body.errors).toBeUndefined();
      const id = retry.body.data.createTask.id as string;
      const created = (await readLog(sys())).filter((r) => {
        const e = JSON.parse(r.value) as { type: string; data: { text?: string } };
        return e.type === "TaskCreated" && e.data.text === text;
      });
      expect(created.map((r) => r.key)).toEqual([id]);
      expect(first.body).toEqual(unknownOutcome("createTask", status));
      await converge(sys());
      const list = (await sys().graphql(`{ list { id text } }`)).body.data.list as Array<{
        id: string;
        text: string;
      }>;
      expect(list.filter((t) => t.text === text)).toEqual([{ id, text }]);
    },
  );

  it.each([408, 499])(
    "updateTask: a %i after the append is an unknown outcome, and the next writer's update is decided after it",
    async (status) => {
      // An update first loads the update's append script (the fault must meet the script running, not NOSCRIPT).
      const loads = await projectedTask(sys(), `Loads the update's append script before a ${status}`);
      await sys().graphql(UPDATE, { id: loads.id, text: "loaded", done: false });
      const task = await projectedTask(sys(), `Stored, then ${status}`);
      await injectFault(redisUrl(), storedThen(status, "change"));

      const a = await sys().graphql(UPDATE, { id: task.id, text: "writer A", done: false });
      await faultsUsedUp(redisUrl());
      const b = await sys().graphql(UPDATE, { id: task.id, text: "writer B", done: false });

      // A's rename is in the log as version 2, so B's is decided on it: version 3, A's event kept, B's text wins.
      expect(await logged(sys(), task.id)).toEqual([
        ["TaskCreated", 1, `Stored, then ${status}`],
        ["TaskRenamed", 2, "writer A"],
        ["TaskRenamed", 3, "writer B"],
      ]);
      expect(b.body).toEqual({
        data: { updateTask: { ...task, text: "writer B", version: 3, updatedAt: expect.any(String) } },
      });
      expect(a.body).toEqual(unknownOutcome("updateTask", status));
      await converge(sys());
      expect((await expectProjectionOfLog(systemProjector(sys()))).counters.rejected).toBe(0);
      expect((await sys().graphql(TASK, { id: task.id })).body.data.task).toMatchObject({
        text: "writer B",
        version: 3,
      });
    },
  );

  it("updateTask: a retry under the key of an update stored then answered 408 waits for the projection to tell whether the first appended, never CONFLICT, never appending twice", async () => {
    const loads = await projectedTask(sys(), "Loads the update's append script before a retry");
    await sys().graphql(UPDATE, { id: loads.id, text: "loaded", done: false });
    const task = await projectedTask(sys(), "Retried under its key");
    // From here the projection stays at the task's creation: the lost write is committed, not projected.
    await admin(sys().stack.qstash.url, "POST", "delivery-faults", {
      kind: "delay",
      ms: HELD_MS,
      count: 100,
      urlPrefix: systemProjector(sys()).url,
    });
    await injectFault(redisUrl(), storedThen(408, "change"));
    const variables = { id: task.id, text: "Once", done: true, key: `retried-${task.id}` };

    const first = await sys().graphql(KEYED_UPDATE, variables);
    expect(first.body).toEqual(unknownOutcome("updateTask", 408));
    const retry = await eventually(
      async () => {
        const res = await sys().graphql(KEYED_UPDATE, variables);
        return /still in progress/.test(res.body.errors?.[0]?.message ?? "") ? undefined : res;
      },
      "the retry to take the key over",
      30_000,
    );

    // Decided on the projection alone, the retry would find the task at version 1 while the lost write's commit
    // says 3: it waits for the projection instead, which is held here, and says so.
    expect(retry.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAVAILABLE", service: "projector" });
    expect(await logged(sys(), task.id)).toEqual([
      ["TaskCreated", 1, "Retried under its key"],
      ["TaskRenamed", 2, "Once"],
      ["TaskCompleted", 3, undefined],
    ]);
  });
});
