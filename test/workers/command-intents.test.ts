/**
 * The command worker's intents (renameTask, completeTask, reopenTask) in workerd over a real redis-server: each
 * appends at most one event (checked in the log itself), so two clients changing different fields of one task both
 * apply; they share updateTask's conditions, idempotency, sealing and list scoping.
 */
import { describe, expect, it } from "vitest";
import {
  createTask,
  historyOf,
  logHead,
  readLog,
  recordsOf,
  TASK,
  TASK_FIELDS,
  type TaskView,
} from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

const MORE = "expectedVersion: $v, idempotencyKey: $key, listId: $listId";
const MORE_VARS = "$v: Int, $key: String, $listId: String";
const RENAME = `mutation ($id: String!, $text: String!, ${MORE_VARS}) {
  renameTask(id: $id, text: $text, ${MORE}) { ${TASK_FIELDS} }
}`;
const COMPLETE = `mutation ($id: String!, ${MORE_VARS}) { completeTask(id: $id, ${MORE}) { ${TASK_FIELDS} } }`;

interface More {
  expectedVersion?: number;
  idempotencyKey?: string;
  listId?: string;
}

const more = (m: More) => ({
  v: m.expectedVersion ?? null,
  key: m.idempotencyKey ?? null,
  listId: m.listId ?? null,
});
const rename = (id: string, text: string, m: More = {}, headers: Record<string, string> = {}) =>
  sys().graphql(RENAME, { id, text, ...more(m) }, headers);
const complete = (id: string, m: More = {}, headers: Record<string, string> = {}) =>
  sys().graphql(COMPLETE, { id, ...more(m) }, headers);

/** The event types of a task in the log, in order. */
async function loggedTypes(id: string): Promise<string[]> {
  return (await recordsOf(sys(), id)).map((r) => JSON.parse(r.value).type);
}

describe("intents", () => {
  it("renameTask and completeTask from two clients that read the same version: both apply, one event each", async () => {
    const { task } = await createTask(sys(), "Buy milk");

    // Both clients hold version 1; they send at once, and neither carries the field the other changes.
    const [renamed, completed] = await Promise.all([
      rename(task.id, "Buy oat milk", {}, { "x-request-id": "client-a" }),
      complete(task.id, {}, { "x-request-id": "client-b" }),
    ]);

    expect(renamed.body.errors).toBeUndefined();
    expect(completed.body.errors).toBeUndefined();
    const answers: TaskView[] = [renamed.body.data.renameTask, completed.body.data.completeTask];
    expect(answers.map((t) => t.version).sort()).toEqual([2, 3]);
    expect(answers[0]?.text).toBe("Buy oat milk");
    expect(answers[1]?.done).toBe(true);
    expect((await loggedTypes(task.id)).sort()).toEqual(["TaskCompleted", "TaskCreated", "TaskRenamed"]);
    const token = (answers[0]?.version === 3 ? renamed : completed).headers.get("x-consistency-token");
    expect((await sys().graphql(TASK, { id: task.id, after: token })).body.data.task).toEqual({
      ...task,
      text: "Buy oat milk",
      done: true,
      version: 3,
      updatedAt: expect.any(String),
    });
    expect((await historyOf(sys(), task.id, 3)).length).toBe(3);
  });

  it("completeTask on a done task appends nothing and answers the task as it is", async () => {
    const { task } = await createTask(sys(), "Done already");
    const first = await complete(task.id);
    const head = await logHead(sys());

    const again = await complete(task.id);

    expect(again.status).toBe(200);
    expect(again.body).toEqual({ data: { completeTask: first.body.data.completeTask } });
    expect(again.headers.get("x-consistency-token")).toBeNull();
    expect(await logHead(sys())).toBe(head);
    expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskCompleted"]);
  });

  it("an intent with a stale expectedVersion is CONFLICT naming expectedVersion, and appends nothing", async () => {
    const { task } = await createTask(sys(), "Raced");
    expect((await rename(task.id, "Raced, first writer")).body.errors).toBeUndefined();
    const head = await logHead(sys());

    const res = await complete(task.id, { expectedVersion: 1 });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { completeTask: null },
      errors: [
        {
          message: `task ${task.id} is at version 2, not the expected version 1`,
          locations: [expect.any(Object)],
          path: ["completeTask"],
          extensions: { code: "CONFLICT", field: "expectedVersion" },
        },
      ],
    });
    expect(await logHead(sys())).toBe(head);
  });

  it("the same idempotencyKey replayed answers the original result and appends once", async () => {
    const { task } = await createTask(sys(), "Once");

    const first = await rename(task.id, "Once only", { idempotencyKey: "intents-replay" });
    const replayed = await rename(task.id, "Once only", { idempotencyKey: "intents-replay" });

    expect(first.body.errors).toBeUndefined();
    expect(replayed.body).toEqual(first.body);
    expect(replayed.headers.get("x-consistency-token")).toBe(first.headers.get("x-consistency-token"));
    expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskRenamed"]);
    expect((await historyOf(sys(), task.id, 2)).map((e) => e.type)).toEqual(["TaskCreated", "TaskRenamed"]);
  });
});

describe("intents on named lists", () => {
  const CREATE_LIST = 'mutation { createList(title: "errands") { id viewId } }';
  const CREATE_ON = `mutation ($text: String!, $listId: String) { createTask(text: $text, listId: $listId) { id } }`;
  const SECRET = "ask the pangolin about the harpsichord";

  async function listWithTask(): Promise<{ listId: string; id: string }> {
    const listId = (await sys().graphql(CREATE_LIST)).body.data.createList.id;
    const id = (await sys().graphql(CREATE_ON, { text: "errand", listId })).body.data.createTask.id;
    return { listId, id };
  }

  it("renameTask on a sealed list: the answer is opened, the log holds no words in the clear", async () => {
    const { listId, id } = await listWithTask();

    const renamed = await rename(id, SECRET, { listId, idempotencyKey: "intents-sealed" });

    expect(renamed.body).toEqual({
      data: { renameTask: expect.objectContaining({ id, text: SECRET, done: false, version: 2 }) },
    });
    const records = (await readLog(sys())).filter((r) => r.key === id);
    expect(records.map((r) => JSON.parse(r.value).type)).toEqual(["TaskCreated", "TaskRenamed"]);
    const log = records.map((r) => r.value).join("\n");
    for (const words of [SECRET, "pangolin", "harpsichord"]) expect(log).not.toContain(words);
  });

  it("an intent on a task of another list answers NOT_FOUND and appends nothing", async () => {
    const { id } = await listWithTask();
    const other = (await sys().graphql(CREATE_LIST)).body.data.createList.id;
    const head = await logHead(sys());

    const answers = {
      completeTask: await complete(id, { listId: other }),
      renameTask: await rename(id, "x", { listId: other }),
      // Without a listId: the default list, which this task is not on either.
      default: await complete(id),
    };
    for (const [field, res] of Object.entries(answers)) {
      expect(res.body.data).toEqual({ [field === "default" ? "completeTask" : field]: null });
      expect(res.body.errors?.[0]).toMatchObject({
        message: `task ${id} does not exist`,
        extensions: { code: "NOT_FOUND", field: "taskId" },
      });
    }
    expect(await logHead(sys())).toBe(head);
  });
});
