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
import { useSystem } from "./support/use-system";

const sys = useSystem({ eventLog: "redis-streams" });
const redisUrl = () => sys().stack.redis.url;
clearFaultsAfterEach(redisUrl);

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
});
