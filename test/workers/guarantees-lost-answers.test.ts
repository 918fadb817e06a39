/**
 * Answers that do not settle a write. Kafka may store an append and then answer 5xx (a proxy's 502 after the
 * upstream's fsync, the log's own 500 on an I/O error after the write) or a 2xx whose body is unusable: the
 * mutation is an unknown outcome, never "nothing was changed", and its reservation holds the task, so the next
 * writer is decided after the stored event instead of overwriting it. Only a 4xx the log answers before writing is a
 * refusal that frees the task at once. And Redis may run a guarded call (the reservation script, the idempotency
 * claim) and lose its answer: the client's automatic retry of that call must be recognised as the same writer's.
 */
import { describe, expect, it } from "vitest";
import { MAY_HAVE_BEEN_RECORDED, unavailable } from "../support/graphql-answers";
import {
  clearFaultsAfterEach,
  faultsUsedUp,
  historyOf,
  injectFault,
  logged,
  logHead,
  projectedTask,
  recordsOf,
  TASK,
  TASK_FIELDS,
  UPDATE,
} from "./support/command-support";
import { converge, systemProjector } from "./support/guarantees-support";
import { expectProjectionOfLog } from "./support/projector-model";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const kafkaUrl = () => sys().stack.kafka.url;
const redisUrl = () => sys().stack.redis.url;
clearFaultsAfterEach(kafkaUrl);
clearFaultsAfterEach(redisUrl);

/** The whole body of a mutation whose append's outcome is unknown. */
function unknownOutcome(field: string, what: string) {
  return unavailable(field, "kafka", `kafka ${what}; ${MAY_HAVE_BEEN_RECORDED}`);
}

async function expectEveryEventApplied(): Promise<void> {
  await converge(sys());
  expect((await expectProjectionOfLog(systemProjector(sys()))).counters.rejected).toBe(0);
}

describe("Kafka answering an error after storing the append", () => {
  it.each([
    [502, "answered 502 to the append"],
    [500, "answered 500 to the append"],
    [408, "answered 408 to the append"],
  ])(
    "updateTask: a %i after the append was stored is an unknown outcome, and the next writer is decided after it",
    async (status, what) => {
      const task = await projectedTask(sys(), `Stored, then ${status}`);
      await injectFault(kafkaUrl(), { kind: "fail-after", status, path: "/produce" });

      const a = await sys().graphql(UPDATE, { id: task.id, text: "writer A", done: false });
      const b = await sys().graphql(UPDATE, { id: task.id, text: "writer B", done: false });

      expect(a.body).toEqual(unknownOutcome("updateTask", what));
      // A's rename is in the log as version 2, so B's is decided on it: version 3, A's event kept, B's text wins.
      expect(b.body).toEqual({
        data: { updateTask: { ...task, text: "writer B", version: 3, updatedAt: expect.any(String) } },
      });
      expect(await logged(sys(), task.id)).toEqual([
        ["TaskCreated", 1, `Stored, then ${status}`],
        ["TaskRenamed", 2, "writer A"],
        ["TaskRenamed", 3, "writer B"],
      ]);
      await expectEveryEventApplied();
      expect((await sys().graphql(TASK, { id: task.id })).body.data.task).toMatchObject({
        text: "writer B",
        version: 3,
      });
    },
  );

  it("updateTask: a 2xx answer whose body is not an acknowledgement is an unknown outcome", async () => {
    const task = await projectedTask(sys(), "Stored, answer mangled");
    await injectFault(kafkaUrl(), { kind: "fail-after", status: 200, path: "/produce" });

    const a = await sys().graphql(UPDATE, { id: task.id, text: "writer A", done: false });
    const b = await sys().graphql(UPDATE, { id: task.id, text: "writer A", done: true });

    expect(a.body).toEqual(
      unknownOutcome("updateTask", "answered the append with an unusable acknowledgement"),
    );
    expect(b.body.data.updateTask).toMatchObject({ text: "writer A", done: true, version: 3 });
    expect((await logged(sys(), task.id)).map(([type, version]) => [type, version])).toEqual([
      ["TaskCreated", 1],
      ["TaskRenamed", 2],
      ["TaskCompleted", 3],
    ]);
    await expectEveryEventApplied();
  });

  it("createTask: a 500 after the append was stored keeps the task in the claim, so an immediate retry answers that task", async () => {
    const key = `stored-then-500-${Date.now()}`;
    const CREATE_KEYED = `mutation ($text: String!, $key: String) { createTask(text: $text, idempotencyKey: $key) { ${TASK_FIELDS} } }`;
    await injectFault(kafkaUrl(), { kind: "fail-after", status: 500, path: "/produce" });

    const first = await sys().graphql(CREATE_KEYED, { text: "stored, then 500", key });
    const retry = await sys().graphql(CREATE_KEYED, { text: "stored, then 500", key });

    expect(first.body).toEqual(unknownOutcome("createTask", "answered 500 to the append"));
    expect(retry.body.errors).toBeUndefined();
    await converge(sys());
    const list = (await sys().graphql(`{ list { id text } }`)).body.data.list as Array<{
      id: string;
      text: string;
    }>;
    expect(list.filter((t) => t.text === "stored, then 500")).toEqual([
      { id: retry.body.data.createTask.id, text: "stored, then 500" },
    ]);
    expect(await recordsOf(sys(), retry.body.data.createTask.id)).toHaveLength(1);
  });

  it("createTask: a 503 that stored nothing, twice, then a retry creates the task the first request chose, once", async () => {
    const key = `refused-twice-${Date.now()}`;
    const CREATE_KEYED = `mutation ($text: String!, $key: String) { createTask(text: $text, idempotencyKey: $key) { ${TASK_FIELDS} } }`;
    await injectFault(kafkaUrl(), { kind: "fail", status: 503, count: 2, path: "/produce" });

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await sys().graphql(CREATE_KEYED, { text: "503 twice", key }));

    expect(answers.map((a) => a.body.errors?.[0]?.extensions?.code ?? "OK")).toEqual([
      "UNAVAILABLE",
      "UNAVAILABLE",
      "OK",
    ]);
    await converge(sys());
    const list = (await sys().graphql(`{ list { id text } }`)).body.data.list as Array<{
      id: string;
      text: string;
    }>;
    expect(list.filter((t) => t.text === "503 twice")).toEqual([
      { id: answers[2]?.body.data.createTask.id, text: "503 twice" },
    ]);
  });
});

describe("Kafka refusing an append", () => {
  it.each([400, 401, 404, 413, 429])(
    "updateTask: a %i is a refusal: nothing was changed, and a retry goes through at once",
    async (status) => {
      const task = await projectedTask(sys(), `Refused with ${status}`);
      const head = await logHead(sys());
      await injectFault(kafkaUrl(), { kind: "fail", status, path: "/produce" });

      const refused = await sys().graphql(UPDATE, { id: task.id, text: "refused", done: false });
      const retry = await sys().graphql(UPDATE, { id: task.id, text: "refused", done: false });

      expect(refused.body.errors?.[0]).toMatchObject({
        message: "a backing service is unavailable (kafka); nothing was changed by this request, retry later",
        extensions: { code: "UNAVAILABLE", service: "kafka" },
      });
      expect(retry.body.data.updateTask).toMatchObject({ text: "refused", version: 2 });
      expect(await logHead(sys())).toBe(head + 1);
    },
  );
});

describe("Redis losing the answer of a guarded call", () => {
  it("updateTask: a reservation whose answer is lost and retried by the client is the writer's own, not a rival's", async () => {
    // A first update loads the script into redis-server, so the call that loses its answer really reserves.
    const other = await projectedTask(sys(), "Loads the reservation script");
    await sys().graphql(UPDATE, { id: other.id, text: "Script loaded", done: false });
    const task = await projectedTask(sys(), "Reservation answer lost");
    const prefix = sys().env.PROJECTION_PREFIX;
    // The reservation script's KEYS, side by side: only that call has them so (the read before it has them apart).
    await injectFault(redisUrl(), {
      kind: "drop-after",
      bodyIncludes: `${prefix}:reservation:${task.id}","${prefix}:last-reserved:${task.id}`,
    });

    const res = await sys().graphql(UPDATE, { id: task.id, text: "Reserved once", done: false });

    await faultsUsedUp(redisUrl());
    expect(res.body).toEqual({
      data: { updateTask: { ...task, text: "Reserved once", version: 2, updatedAt: expect.any(String) } },
    });
    expect(await logged(sys(), task.id)).toEqual([
      ["TaskCreated", 1, "Reservation answer lost"],
      ["TaskRenamed", 2, "Reserved once"],
    ]);
    // Nothing holds the task afterwards: the next writer goes through at once.
    await historyOf(sys(), task.id, 2);
    const next = await sys().graphql(UPDATE, { id: task.id, text: "Reserved once", done: true });
    expect(next.body.data.updateTask).toMatchObject({ done: true, version: 3 });
  });

  it("createTask: an idempotency claim whose answer is lost and retried by the client is the request's own", async () => {
    const key = `claim-answer-lost-${Date.now()}`;
    const CREATE_KEYED = `mutation ($text: String!, $key: String) { createTask(text: $text, idempotencyKey: $key) { ${TASK_FIELDS} } }`;
    await injectFault(redisUrl(), {
      kind: "drop-after",
      bodyIncludes: `${sys().env.PROJECTION_PREFIX}:idempotency:${key}`,
    });

    const res = await sys().graphql(CREATE_KEYED, { text: "claimed once", key });

    await faultsUsedUp(redisUrl());
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createTask).toMatchObject({ text: "claimed once", version: 1 });
    const again = await sys().graphql(CREATE_KEYED, { text: "claimed once", key });
    expect(again.body).toEqual(res.body);
  });
});
