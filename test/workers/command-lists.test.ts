/**
 * Lists as capabilities through GraphQL against the real workers: `createList` mints a list, its id reaches it and
 * its tasks, its viewId reads them only, and nothing else reaches them: not a task id alone, not another list's
 * id, not an id nobody minted. A list from before lists were minted keeps working for whoever holds its id.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../shared/domain";
import { createTask, TASK_FIELDS, type TaskView } from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

const CREATE_LIST = "mutation ($title: String) { createList(title: $title) { id viewId title createdAt } }";
const CREATE_ON = `mutation ($text: String!, $listId: String, $key: String) {
  createTask(text: $text, listId: $listId, idempotencyKey: $key) { ${TASK_FIELDS} }
}`;
const LIST_OF = `query ($after: String, $listId: String) { list(after: $after, listId: $listId) { id text } }`;
const TASK_OF = `query ($id: String!, $listId: String) { task(id: $id, listId: $listId) { id text } }`;
const HISTORY_OF = `query ($id: String!, $listId: String) { history(id: $id, listId: $listId) { type } }`;
const UPDATE_ON = `mutation ($id: String!, $listId: String) {
  updateTask(id: $id, text: "changed", done: true, listId: $listId) { id text }
}`;
const DELETE_ON = `mutation ($id: String!, $listId: String) { deleteTask(id: $id, listId: $listId) }`;

async function mintList(title = "groceries"): Promise<{ id: string; viewId: string }> {
  const res = await sys().graphql(CREATE_LIST, { title });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.createList;
}

async function createOn(
  text: string,
  listId: string,
  key?: string,
): Promise<{ task: TaskView; token: string }> {
  const res = await sys().graphql(CREATE_ON, { text, listId, key });
  expect(res.body.errors).toBeUndefined();
  return { task: res.body.data.createTask, token: res.headers.get("x-consistency-token") ?? "" };
}

async function listOf(after: string, listId?: string): Promise<Array<{ id: string; text: string }>> {
  const res = await sys().graphql(LIST_OF, { after, listId });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.list;
}

const codeOf = (res: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) =>
  res.body.errors?.[0]?.extensions?.code;

describe("lists as capabilities", () => {
  it("createList mints two 128-bit capabilities; tasks created on the list are on it only, in creation order", async () => {
    const a = await mintList("a");
    const b = await mintList("b");
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.viewId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const a1 = await createOn("a1", a.id);
    const b1 = await createOn("b1", b.id);
    const plain = await createTask(sys(), "default one");
    const a2 = await createOn("a2", a.id);

    expect(await listOf(a2.token, a.id)).toEqual([
      { id: a1.task.id, text: "a1" },
      { id: a2.task.id, text: "a2" },
    ]);
    expect(await listOf(a2.token, b.viewId)).toEqual([{ id: b1.task.id, text: "b1" }]);
    const defaults = (await listOf(a2.token)).map((t) => t.id);
    expect(defaults).toContain(plain.task.id);
    expect(defaults).not.toContain(a1.task.id);
  });

  it("one query text sent for two lists, interleaved, answers each request its own list (documents are kept per text, never answers)", async () => {
    const a = await mintList("a");
    const b = await mintList("b");
    const a1 = await createOn("a1", a.id);
    const b1 = await createOn("b1", b.id);

    for (let round = 0; round < 2; round++) {
      expect(await listOf(b1.token, a.id)).toEqual([{ id: a1.task.id, text: "a1" }]);
      expect(await listOf(b1.token, b.id)).toEqual([{ id: b1.task.id, text: "b1" }]);
      const unknown = await sys().graphql(LIST_OF, { after: b1.token, listId: randomUUID() });
      expect(codeOf(unknown)).toBe("NOT_FOUND");
    }
  });

  it("with only a task id, or another list's id, task/history/updateTask/deleteTask answer as for no task", async () => {
    const mine = await mintList();
    const theirs = await mintList();
    const { task, token } = await createOn("secret", theirs.id);
    await listOf(token, theirs.id);

    for (const listId of [undefined, mine.id]) {
      expect((await sys().graphql(TASK_OF, { id: task.id, listId })).body).toEqual({ data: { task: null } });
      expect((await sys().graphql(HISTORY_OF, { id: task.id, listId })).body).toEqual({
        data: { history: [] },
      });
      for (const mutation of [UPDATE_ON, DELETE_ON]) {
        const res = await sys().graphql(mutation, { id: task.id, listId });
        expect(codeOf(res)).toBe("NOT_FOUND");
        expect(res.body.errors?.[0]?.message).toBe(`task ${task.id} does not exist`);
      }
    }
    expect((await sys().graphql(TASK_OF, { id: task.id, listId: theirs.id })).body.data.task.text).toBe(
      "secret",
    );
  });

  it("the viewId reads the list and its tasks' history, and every change with it is FORBIDDEN", async () => {
    const { id, viewId } = await mintList();
    const { task, token } = await createOn("look only", id);

    expect(await listOf(token, viewId)).toEqual([{ id: task.id, text: "look only" }]);
    expect((await sys().graphql(HISTORY_OF, { id: task.id, listId: viewId })).body.data.history).toEqual([
      { type: "TaskCreated" },
    ]);
    for (const [query, variables] of [
      [CREATE_ON, { text: "x", listId: viewId }],
      [UPDATE_ON, { id: task.id, listId: viewId }],
      [DELETE_ON, { id: task.id, listId: viewId }],
    ] as const) {
      expect(codeOf(await sys().graphql(query, variables))).toBe("FORBIDDEN");
    }
    expect((await sys().graphql(TASK_OF, { id: task.id, listId: id })).body.data.task.text).toBe("look only");
  });

  it("an id nobody minted opens nothing: NOT_FOUND for reads and creates, never an empty list", async () => {
    for (const listId of ["groceries", "a", randomUUID()]) {
      expect(codeOf(await sys().graphql(LIST_OF, { listId }))).toBe("NOT_FOUND");
      expect(codeOf(await sys().graphql(CREATE_ON, { text: "x", listId }))).toBe("NOT_FOUND");
    }
  });

  it("a malformed listId is BAD_USER_INPUT", async () => {
    const read = await sys().graphql(LIST_OF, { listId: "no spaces" });
    const write = await sys().graphql(CREATE_ON, { text: "x", listId: "x".repeat(65) });
    for (const res of [read, write]) {
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          message: "listId must be 1-64 characters of A-Z a-z 0-9 _ -",
          extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }),
        }),
      ]);
    }
  });

  it("createTask: the same idempotency key and listId returns the first task, on the list once", async () => {
    const list = await mintList();
    const first = await createOn("once", list.id, "idem-list-1");
    const again = await createOn("once", list.id, "idem-list-1");

    expect(again.task.id).toBe(first.task.id);
    expect(await listOf(first.token, list.id)).toEqual([{ id: first.task.id, text: "once" }]);
  });

  it("a list from before lists were minted keeps working for whoever holds its id", async () => {
    // What a command worker from before wrote: a TaskCreated on a list id its client made up.
    const taskId = randomUUID();
    await sys()
      .log()
      .append(taskId, [
        encodeEvent({
          type: "TaskCreated",
          data: { text: "from before", listId: "old-list" },
          eventId: randomUUID(),
          schemaVersion: 1,
          taskId,
          version: 1,
          occurredAt: new Date().toISOString(),
          metadata: {},
        }),
      ]);
    const { token } = await createTask(sys(), "a poke that folds it");

    expect(await listOf(token, "old-list")).toEqual([{ id: taskId, text: "from before" }]);
    const added = await createOn("added", "old-list");
    expect((await listOf(added.token, "old-list")).map((t) => t.text)).toEqual(["from before", "added"]);
    const update = await sys().graphql(UPDATE_ON, { id: taskId, listId: "old-list" });
    expect(update.body.data.updateTask).toEqual({ id: taskId, text: "changed" });
  });
});
