/**
 * The command worker's refusals: unknown and deleted tasks are NOT_FOUND, malformed ids and texts are
 * BAD_USER_INPUT, a Kafka refusal is UNAVAILABLE; none of them appends anything to the log.
 */
import { describe, expect, it } from "vitest";
import { refused } from "../support/graphql-answers";
import {
  CREATE,
  clearFaultsAfterEach,
  createTask,
  DELETE,
  injectFault,
  LIST,
  logHead,
  recordsOf,
  TASK,
  type TaskView,
  UPDATE,
} from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const kafkaUrl = () => sys().stack.kafka.url;
clearFaultsAfterEach(kafkaUrl);

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
const BAD_ID_MESSAGE = "id must be a task id (a lowercase UUID)";

describe("unknown and deleted tasks", () => {
  it("updateTask: an unknown id is NOT_FOUND", async () => {
    const head = await logHead(sys());

    const res = await sys().graphql(UPDATE, { id: UNKNOWN_ID, text: "x", done: false });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      refused("updateTask", "NOT_FOUND", `task ${UNKNOWN_ID} does not exist`, { field: "taskId" }),
    );
    expect(await logHead(sys())).toBe(head);
  });

  it("deleteTask: an unknown id is NOT_FOUND", async () => {
    const res = await sys().graphql(DELETE, { id: UNKNOWN_ID });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      refused("deleteTask", "NOT_FOUND", `task ${UNKNOWN_ID} does not exist`, { field: "taskId" }),
    );
  });

  it("task: an unknown id answers null", async () => {
    const res = await sys().graphql(TASK, { id: UNKNOWN_ID });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { task: null } });
  });

  it("deleteTask: deleting twice is NOT_FOUND the second time, and appends nothing", async () => {
    const { task } = await createTask(sys(), "Delete twice");
    expect((await sys().graphql(DELETE, { id: task.id })).body).toEqual({ data: { deleteTask: task.id } });
    const head = await logHead(sys());

    const res = await sys().graphql(DELETE, { id: task.id });

    expect(res.body).toEqual(
      refused("deleteTask", "NOT_FOUND", `task ${task.id} has been deleted`, { field: "taskId" }),
    );
    expect(await logHead(sys())).toBe(head);
    expect((await recordsOf(sys(), task.id)).map((r) => JSON.parse(r.value).type)).toEqual([
      "TaskCreated",
      "TaskDeleted",
    ]);
  });

  it("updateTask: an update after a delete is NOT_FOUND", async () => {
    const { task } = await createTask(sys(), "Gone soon");
    expect((await sys().graphql(DELETE, { id: task.id })).body).toEqual({ data: { deleteTask: task.id } });
    const head = await logHead(sys());

    const res = await sys().graphql(UPDATE, { id: task.id, text: "Too late", done: true });

    expect(res.body).toEqual(
      refused("updateTask", "NOT_FOUND", `task ${task.id} has been deleted`, { field: "taskId" }),
    );
    expect(await logHead(sys())).toBe(head);
  });
});

describe("malformed ids", () => {
  for (const id of ["not-a-uuid", "", UNKNOWN_ID.toUpperCase().replace("0000-4", "ABCD-4")]) {
    it(`updateTask: the id ${JSON.stringify(id)} is BAD_USER_INPUT`, async () => {
      const res = await sys().graphql(UPDATE, { id, text: "x", done: false });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(refused("updateTask", "BAD_USER_INPUT", BAD_ID_MESSAGE));
    });
  }

  it("deleteTask: a malformed id is BAD_USER_INPUT", async () => {
    const res = await sys().graphql(DELETE, { id: "42" });

    expect(res.body).toEqual(refused("deleteTask", "BAD_USER_INPUT", BAD_ID_MESSAGE));
  });

  it("task: a malformed id is BAD_USER_INPUT", async () => {
    const res = await sys().graphql(TASK, { id: "42" });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(refused("task", "BAD_USER_INPUT", BAD_ID_MESSAGE));
  });
});

describe("malformed consistency tokens", () => {
  for (const after of ["latest", "0:-1", "7:0", "0:1:2"]) {
    it(`list: after ${JSON.stringify(after)} is BAD_USER_INPUT`, async () => {
      const res = await sys().graphql(LIST, { after });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        refused(
          "list",
          "BAD_USER_INPUT",
          `after must be a consistency token "partition:offset" from a mutation, got "${after}"`,
        ),
      );
    });
  }
});

describe("invalid text", () => {
  const cases: Array<[string, string, string]> = [
    ["empty", "", "text must not be empty or whitespace only"],
    ["whitespace-only", " \t\n ", "text must not be empty or whitespace only"],
    [
      "1001 code points",
      "😀".repeat(1001),
      "text must be at most 1000 characters (Unicode code points), got 1001",
    ],
  ];

  for (const [name, text, message] of cases) {
    it(`createTask: ${name} text is BAD_USER_INPUT and appends nothing`, async () => {
      const head = await logHead(sys());

      const res = await sys().graphql(CREATE, { text });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(refused("createTask", "BAD_USER_INPUT", message, { field: "text" }));
      expect(res.headers.get("x-consistency-token")).toBeNull();
      expect(await logHead(sys())).toBe(head);
    });

    it(`updateTask: ${name} text is BAD_USER_INPUT and appends nothing`, async () => {
      const { task, token } = await createTask(sys(), `Valid before: ${name}`);
      const head = await logHead(sys());

      const res = await sys().graphql(UPDATE, { id: task.id, text, done: true });

      expect(res.body).toEqual(refused("updateTask", "BAD_USER_INPUT", message, { field: "text" }));
      expect(await logHead(sys())).toBe(head);
      expect((await sys().graphql(TASK, { id: task.id, after: token })).body).toEqual({ data: { task } });
    });
  }
});

describe("Kafka refusing an append (a 4xx: nothing was written)", () => {
  const unavailable =
    "a backing service is unavailable (kafka); nothing was changed by this request, retry later";

  it("createTask: a failing append is UNAVAILABLE and appends nothing", async () => {
    const head = await logHead(sys());
    await injectFault(kafkaUrl(), { kind: "fail", count: 1, status: 429, path: "/produce" });

    const res = await sys().graphql(CREATE, { text: "Lost to a Kafka outage" });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(refused("createTask", "UNAVAILABLE", unavailable, { service: "kafka" }));
    expect(res.headers.get("x-consistency-token")).toBeNull();
    expect(await logHead(sys())).toBe(head);
    const list = await sys().graphql(LIST);
    expect((list.body.data.list as TaskView[]).map((t) => t.text)).not.toContain("Lost to a Kafka outage");
  });

  it("updateTask: a failing append is UNAVAILABLE, appends nothing, and a retry then succeeds", async () => {
    const { task } = await createTask(sys(), "Outage");
    const head = await logHead(sys());
    await injectFault(kafkaUrl(), { kind: "fail", count: 1, status: 429, path: "/produce" });

    const res = await sys().graphql(UPDATE, { id: task.id, text: "Outage, renamed", done: false });

    expect(res.body).toEqual(refused("updateTask", "UNAVAILABLE", unavailable, { service: "kafka" }));
    expect(await logHead(sys())).toBe(head);
    // The failed write released its reservation: the same update goes through at once, as version 2.
    const retry = await sys().graphql(UPDATE, { id: task.id, text: "Outage, renamed", done: false });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.updateTask).toMatchObject({ text: "Outage, renamed", version: 2 });
    expect((await recordsOf(sys(), task.id)).map((r) => JSON.parse(r.value).type)).toEqual([
      "TaskCreated",
      "TaskRenamed",
    ]);
  });
});
