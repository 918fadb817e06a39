/**
 * The command worker's create and delete, through GraphQL against the real worker in workerd and the real local
 * stack: the answers, the consistency token, the event envelope in the Kafka log, and what the projection shows.
 */
import { describe, expect, it } from "vitest";
import {
  CREATE,
  createTask,
  DELETE,
  historyOf,
  ISO,
  LIST,
  recordsOf,
  TASK,
  type TaskView,
  UPDATE,
  UUID,
} from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

/** The tasks of `list(after: token)` among `ids`, in the order list answered them. */
async function listed(token: string, ids: string[]): Promise<TaskView[]> {
  const res = await sys().graphql(LIST, { after: token });
  expect(res.body.errors).toBeUndefined();
  return (res.body.data.list as TaskView[]).filter((t) => ids.includes(t.id));
}

describe("createTask", () => {
  it("createTask: answers the new task (UUID id, done false, version 1) and a consistency token", async () => {
    const res = await sys().graphql(CREATE, { text: "Do the dishes!" });

    expect(res.status).toBe(200);
    const task = res.body.data?.createTask as TaskView;
    expect(res.body).toEqual({
      data: {
        createTask: {
          id: expect.stringMatching(UUID),
          text: "Do the dishes!",
          done: false,
          version: 1,
          createdAt: expect.stringMatching(ISO),
          updatedAt: task.createdAt,
        },
      },
    });
    expect(res.headers.get("x-consistency-token")).toMatch(/^0:\d+$/);
  });

  it("createTask: the text is stored exactly as given, up to 1000 code points", async () => {
    // 1 + 996 + 3 = 1000 code points (1996 UTF-16 units), with the tab and newline plain text may hold.
    const text = ` ${"😀".repeat(996)}\tx\n`;
    const { task, token } = await createTask(sys(), text);

    expect(task.text).toBe(text);
    expect(await listed(token, [task.id])).toEqual([task]);
  });

  it("list: with the create's token as after, shows the new task", async () => {
    const { task, token } = await createTask(sys(), "Buy milk");

    const res = await sys().graphql(LIST, { after: token });

    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.list).toContainEqual(task);
  });

  it("task: with the create's token as after, answers the new task", async () => {
    const { task, token } = await createTask(sys(), "Water the plants");

    const res = await sys().graphql(TASK, { id: task.id, after: token });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { task } });
  });

  it("createTask: appends one TaskCreated envelope keyed by the task id, with the request id", async () => {
    const res = await sys().graphql(
      CREATE,
      { text: "Call mum" },
      { "x-request-id": "req-create-envelope-1" },
    );
    const task = res.body.data.createTask as TaskView;
    const token = res.headers.get("x-consistency-token");

    const records = await recordsOf(sys(), task.id);

    expect(records).toHaveLength(1);
    const [record] = records;
    expect(`${record?.partition}:${record?.offset}`).toBe(token);
    expect(record?.key).toBe(task.id);
    expect(JSON.parse(record?.value ?? "")).toEqual({
      eventId: expect.stringMatching(UUID),
      type: "TaskCreated",
      schemaVersion: 1,
      taskId: task.id,
      version: 1,
      occurredAt: task.createdAt,
      data: { text: "Call mum" },
      metadata: { requestId: "req-create-envelope-1" },
    });
    expect(res.headers.get("x-request-id")).toBe("req-create-envelope-1");
  });

  it("createTask: without an x-request-id, the event carries the id the response names", async () => {
    const res = await sys().graphql(CREATE, { text: "Read a book" });
    const task = res.body.data.createTask as TaskView;

    const [record] = await recordsOf(sys(), task.id);

    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(UUID);
    expect(JSON.parse(record?.value ?? "").metadata).toEqual({ requestId });
  });

  it("history: shows the TaskCreated event of the log once projected", async () => {
    const { task, token } = await createTask(sys(), "Walk the dog");
    const [record] = await recordsOf(sys(), task.id);
    const envelope = JSON.parse(record?.value ?? "");

    expect(await historyOf(sys(), task.id, 1)).toEqual([
      {
        eventId: envelope.eventId,
        type: "TaskCreated",
        version: 1,
        occurredAt: task.createdAt,
        position: token,
        text: "Walk the dog",
      },
    ]);
  });

  it("history: with a mutation's token, waits until the projection has that mutation", async () => {
    const { task } = await createTask(sys(), "Iron the shirts");
    await historyOf(sys(), task.id, 1);
    // The update's poke reaches the projector only after the history query was sent.
    const held = await fetch(`${sys().env.QSTASH_URL}/__emulator/delivery-faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "delay", ms: 400, count: 1, urlPrefix: sys().projectorUrl }),
    });
    expect(held.status).toBe(200);
    const updated = await sys().graphql(UPDATE, { id: task.id, text: "Iron the shirts", done: true });
    const token = updated.headers.get("x-consistency-token");

    const res = await sys().graphql(
      `query ($id: String!, $after: String) { history(id: $id, after: $after) { type version } }`,
      {
        id: task.id,
        after: token,
      },
    );

    expect(res.body).toEqual({
      data: {
        history: [
          { type: "TaskCreated", version: 1 },
          { type: "TaskCompleted", version: 2 },
        ],
      },
    });
  });
});

describe("list", () => {
  it("list: answers tasks in creation order", async () => {
    const first = await createTask(sys(), "order: first");
    const second = await createTask(sys(), "order: second");
    const third = await createTask(sys(), "order: third");

    const tasks = await listed(third.token, [third.task.id, first.task.id, second.task.id]);

    expect(tasks).toEqual([first.task, second.task, third.task]);
  });
});

describe("deleteTask", () => {
  it("deleteTask: answers the id; the task leaves list and task(id) answers null", async () => {
    const { task } = await createTask(sys(), "Throw away");

    const res = await sys().graphql(DELETE, { id: task.id });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { deleteTask: task.id } });
    const token = res.headers.get("x-consistency-token");
    expect(token).toMatch(/^0:\d+$/);
    expect(await listed(token ?? "", [task.id])).toEqual([]);
    expect((await sys().graphql(TASK, { id: task.id, after: token })).body).toEqual({ data: { task: null } });
  });

  it("deleteTask: appends one TaskDeleted, version 2, and history keeps the trail", async () => {
    const { task } = await createTask(sys(), "Delete me");
    const res = await sys().graphql(DELETE, { id: task.id }, { "x-request-id": "req-delete-1" });
    expect(res.body.errors).toBeUndefined();

    const records = await recordsOf(sys(), task.id);

    expect(records.map((r) => JSON.parse(r.value))).toEqual([
      expect.objectContaining({ type: "TaskCreated", version: 1 }),
      {
        eventId: expect.stringMatching(UUID),
        type: "TaskDeleted",
        schemaVersion: 1,
        taskId: task.id,
        version: 2,
        occurredAt: expect.stringMatching(ISO),
        data: {},
        metadata: { requestId: "req-delete-1" },
      },
    ]);
    expect(records.map((r) => r.key)).toEqual([task.id, task.id]);
    const history = await historyOf(sys(), task.id, 2);
    expect(history.map((e) => [e.type, e.version, e.text])).toEqual([
      ["TaskCreated", 1, "Delete me"],
      ["TaskDeleted", 2, null],
    ]);
    expect(history[1]?.position).toBe(res.headers.get("x-consistency-token"));
  });
});
