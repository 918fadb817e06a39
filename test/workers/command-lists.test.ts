/**
 * Lists through GraphQL against the real workers: `createTask(listId:)` puts a task on a named list, `list(listId:)`
 * reads one list, and without listId both are exactly what they were (the default list).
 */
import { describe, expect, it } from "vitest";
import { createTask, DELETE, TASK_FIELDS, type TaskView } from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

const CREATE_ON = `mutation ($text: String!, $listId: String, $key: String) {
  createTask(text: $text, listId: $listId, idempotencyKey: $key) { ${TASK_FIELDS} listId }
}`;
const LIST_OF = `query ($after: String, $listId: String) { list(after: $after, listId: $listId) { id text listId } }`;

async function createOn(
  text: string,
  listId: string,
  key?: string,
): Promise<{ task: TaskView & { listId: string | null }; token: string }> {
  const res = await sys().graphql(CREATE_ON, { text, listId, key });
  expect(res.body.errors).toBeUndefined();
  return { task: res.body.data.createTask, token: res.headers.get("x-consistency-token") ?? "" };
}

async function listOf(
  after: string,
  listId?: string,
): Promise<Array<{ id: string; text: string; listId: string | null }>> {
  const res = await sys().graphql(LIST_OF, { after, listId });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.list;
}

describe("lists", () => {
  it("createTask: with a listId, the task is on that list only, in creation order", async () => {
    const a1 = await createOn("a1", "list-a");
    const b1 = await createOn("b1", "list-b");
    const plain = await createTask(sys(), "default one");
    const a2 = await createOn("a2", "list-a");

    expect(a1.task.listId).toBe("list-a");
    expect(await listOf(a2.token, "list-a")).toEqual([
      { id: a1.task.id, text: "a1", listId: "list-a" },
      { id: a2.task.id, text: "a2", listId: "list-a" },
    ]);
    expect(await listOf(a2.token, "list-b")).toEqual([{ id: b1.task.id, text: "b1", listId: "list-b" }]);
    const defaults = await listOf(a2.token);
    expect(defaults.map((t) => t.id)).toContain(plain.task.id);
    expect(defaults.map((t) => t.id)).not.toContain(a1.task.id);
    expect(defaults.find((t) => t.id === plain.task.id)?.listId).toBeNull();
  });

  it("deleteTask: removes a task from its own list", async () => {
    const keep = await createOn("keep", "list-del");
    const gone = await createOn("gone", "list-del");
    const res = await sys().graphql(DELETE, { id: gone.task.id });
    expect(res.body.errors).toBeUndefined();
    const token = res.headers.get("x-consistency-token") ?? "";

    expect(await listOf(token, "list-del")).toEqual([{ id: keep.task.id, text: "keep", listId: "list-del" }]);
  });

  it("list: an unknown list is empty", async () => {
    const { token } = await createOn("x", "list-known");
    expect(await listOf(token, "list-never-used")).toEqual([]);
  });

  it("createTask: the same idempotency key and listId returns the first task, on the list once", async () => {
    const first = await createOn("once", "list-idem", "idem-list-1");
    const again = await createOn("once", "list-idem", "idem-list-1");

    expect(again.task.id).toBe(first.task.id);
    expect(await listOf(first.token, "list-idem")).toEqual([
      { id: first.task.id, text: "once", listId: "list-idem" },
    ]);
    const other = await sys().graphql(CREATE_ON, { text: "once", listId: "list-other", key: "idem-list-1" });
    expect(other.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("list: a malformed listId is BAD_USER_INPUT, and so is createTask's", async () => {
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
});
