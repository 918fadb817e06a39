/**
 * Lists as capabilities, specified in process: `createList` mints a list's id (edit) and viewId (read only), and
 * every read and write of a named list, or of a task on it, needs one of them; without the right one the answer is
 * what an id that never existed gets, so holding a task id alone reveals nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { refused } from "../support/graphql-answers";
import { given, type Operation, TASK, type World } from "./given";

beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

const CREATE_LIST = {
  query: "mutation ($title: String) { createList(title: $title) { id viewId title createdAt } }",
  variables: { title: "groceries" },
};

async function mintList(w: World): Promise<{ id: string; viewId: string }> {
  const answer = await w.send(CREATE_LIST);
  const list = answer.body?.data?.createList;
  if (typeof list?.id !== "string") throw new Error(`createList failed: ${JSON.stringify(answer.body)}`);
  return list;
}

async function createOn(w: World, listId: string, text = "buy milk"): Promise<string> {
  const answer = await w.send(createTaskOn(listId, text));
  const id = answer.body?.data?.createTask?.id;
  if (typeof id !== "string") throw new Error(`createTask failed: ${JSON.stringify(answer.body)}`);
  return id;
}

function createTaskOn(listId: string, text: string): Operation {
  return {
    query: `mutation ($text: String!, $listId: String) { createTask(text: $text, listId: $listId) { ${TASK} } }`,
    variables: { text, listId },
  };
}

const listOf = (listId: string | null): Operation => ({
  query: "query ($listId: String) { list(listId: $listId) { id text } }",
  variables: { listId },
});
const taskOf = (id: string, listId: string | null): Operation => ({
  query: `query ($id: String!, $listId: String) { task(id: $id, listId: $listId) { ${TASK} } }`,
  variables: { id, listId },
});
const historyOf = (id: string, listId: string | null): Operation => ({
  query: "query ($id: String!, $listId: String) { history(id: $id, listId: $listId) { type text } }",
  variables: { id, listId },
});
const updateOn = (id: string, listId: string | null, text: string): Operation => ({
  query: `mutation ($id: String!, $listId: String, $text: String!) {
    updateTask(id: $id, text: $text, done: true, listId: $listId) { ${TASK} } }`,
  variables: { id, listId, text },
});
const deleteOn = (id: string, listId: string | null): Operation => ({
  query: "mutation ($id: String!, $listId: String) { deleteTask(id: $id, listId: $listId) }",
  variables: { id, listId },
});

describe("createList", () => {
  it("mints an id and a viewId of 128 random bits each, and appends ListCreated", async () => {
    const { when, world } = await given();

    const { answer, appended } = await when(CREATE_LIST);

    const list = answer.body.data.createList;
    expect(list).toEqual({
      id: expect.any(String),
      viewId: expect.any(String),
      title: "groceries",
      createdAt: expect.any(String),
    });
    expect(list.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(list.viewId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(list.viewId).not.toBe(list.id);
    expect(appended).toEqual(["ListCreated@1"]);
    expect(answer.token).toMatch(/^\d+:\d+$/);
    // The fold moves past a list's event (it changes no task) and counts it applied.
    await world.catchUp();
    expect((await world.projection.readModel.counters()).applied).toBe(1);
  });

  it("a task can be created on the list the instant createList answers", async () => {
    const { world } = await given();
    world.delivering = false; // nothing folded: the registry alone must know the list
    const { id } = await mintList(world);

    const answer = await world.send(createTaskOn(id, "buy milk"));

    expect(answer.body.data.createTask).toMatchObject({ text: "buy milk" });
  });

  it("refuses a title the task text rules refuse", async () => {
    const { when } = await given();
    const { answer, appended } = await when({ ...CREATE_LIST, variables: { title: "   " } });
    expect(answer.body).toEqual({
      ...refused("createList", "BAD_USER_INPUT", "title must not be empty or whitespace only", {
        field: "title",
      }),
      data: null,
    });
    expect(appended).toEqual([]);
  });
});

describe("a named list is reached only with its capability", () => {
  it("a list id nobody minted answers NOT_FOUND, not an empty list, and a task cannot be created on it", async () => {
    const { when } = await given();

    const read = await when(listOf("groceries"));
    const write = await when(createTaskOn("groceries", "x"));

    expect(read.answer.body.errors[0].extensions.code).toBe("NOT_FOUND");
    expect(write.answer.body.errors[0].extensions.code).toBe("NOT_FOUND");
    expect(write.appended).toEqual([]);
  });

  it("with only a task id (the default list's scope), task, history, updateTask and deleteTask answer as for no task", async () => {
    const { world } = await given();
    const { id: listId } = await mintList(world);
    const taskId = await createOn(world, listId);
    const unknown = "00000000-0000-4000-8000-000000000000";

    for (const id of [taskId, unknown]) {
      expect((await world.send(taskOf(id, null))).body).toEqual({ data: { task: null } });
      expect((await world.send(historyOf(id, null))).body).toEqual({ data: { history: [] } });
      const update = await world.send(updateOn(id, null, "stolen"));
      expect(update.body).toEqual(
        refused("updateTask", "NOT_FOUND", `task ${id} does not exist`, { field: "taskId" }),
      );
      const remove = await world.send(deleteOn(id, null));
      expect(remove.body).toEqual(
        refused("deleteTask", "NOT_FOUND", `task ${id} does not exist`, { field: "taskId" }),
      );
    }
    expect((await world.send(taskOf(taskId, listId))).body.data.task).toMatchObject({
      text: "buy milk",
      done: false,
    });
  });

  it("another list's id does not reach a task either", async () => {
    const { world } = await given();
    const mine = await mintList(world);
    const theirs = await mintList(world);
    const taskId = await createOn(world, theirs.id);

    expect((await world.send(taskOf(taskId, mine.id))).body).toEqual({ data: { task: null } });
    expect((await world.send(historyOf(taskId, mine.id))).body).toEqual({ data: { history: [] } });
    const update = await world.send(updateOn(taskId, mine.id, "stolen"));
    expect(update.body.errors[0].extensions.code).toBe("NOT_FOUND");
    expect((await world.send(taskOf(taskId, theirs.id))).body.data.task.text).toBe("buy milk");
  });

  it("one query text sent for two lists answers each request its own list (a kept document holds no request's variables)", async () => {
    const { world } = await given();
    const mine = await mintList(world);
    const theirs = await mintList(world);
    await createOn(world, mine.id, "mine");
    await createOn(world, theirs.id, "theirs");

    for (let round = 0; round < 2; round++) {
      expect((await world.send(listOf(mine.id))).body.data.list.map((t: { text: string }) => t.text)).toEqual(
        ["mine"],
      );
      expect(
        (await world.send(listOf(theirs.id))).body.data.list.map((t: { text: string }) => t.text),
      ).toEqual(["theirs"]);
      expect((await world.send(listOf(theirs.viewId))).body.data.list).toHaveLength(1);
      expect((await world.send(listOf("never-minted"))).body.errors[0].extensions.code).toBe("NOT_FOUND");
    }
  });

  it("the list's id reads and changes its tasks, and the history of a deleted one", async () => {
    const { world } = await given();
    const { id: listId } = await mintList(world);
    const taskId = await createOn(world, listId);

    expect((await world.send(updateOn(taskId, listId, "buy oat milk"))).body.data.updateTask).toMatchObject({
      text: "buy oat milk",
      done: true,
    });
    expect((await world.send(deleteOn(taskId, listId))).body).toEqual({ data: { deleteTask: taskId } });
    expect(
      (await world.send(historyOf(taskId, listId))).body.data.history.map((e: { type: string }) => e.type),
    ).toEqual(["TaskCreated", "TaskRenamed", "TaskCompleted", "TaskDeleted"]);
  });

  it("the viewId reads the list but cannot change it", async () => {
    const { world } = await given();
    const { id: listId, viewId } = await mintList(world);
    const taskId = await createOn(world, listId);
    await world.catchUp();

    expect((await world.send(listOf(viewId))).body).toEqual({
      data: { list: [{ id: taskId, text: "buy milk" }] },
    });
    expect((await world.send(taskOf(taskId, viewId))).body.data.task.text).toBe("buy milk");
    expect((await world.send(historyOf(taskId, viewId))).body.data.history).toHaveLength(1);
    const refusals = [
      await world.send(createTaskOn(viewId, "x")),
      await world.send(updateOn(taskId, viewId, "x")),
      await world.send(deleteOn(taskId, viewId)),
    ];
    for (const answer of refusals) expect(answer.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect((await world.send(taskOf(taskId, listId))).body.data.task).toMatchObject({
      text: "buy milk",
      version: 1,
    });
  });

  it("listInfo shows the list to its holders, its id only to whoever holds the id", async () => {
    const { world } = await given();
    const { id, viewId } = await mintList(world);
    const info = (listId: string): Operation => ({
      query: "query ($listId: String!) { listInfo(listId: $listId) { id viewId title } }",
      variables: { listId },
    });

    expect((await world.send(info(id))).body.data.listInfo).toEqual({ id, viewId, title: "groceries" });
    expect((await world.send(info(viewId))).body.data.listInfo).toEqual({
      id: null,
      viewId,
      title: "groceries",
    });
    expect((await world.send(info("nope"))).body.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("Task.listId is not in the schema: a task id does not lead to its list", async () => {
    const { world } = await given();
    const { id: listId } = await mintList(world);
    const taskId = await createOn(world, listId);
    const answer = await world.send({ query: `{ task(id: "${taskId}", listId: "${listId}") { listId } }` });
    expect(answer.body.errors[0].message).toMatch(/Cannot query field "listId" on type "Task"/);
  });
});

describe("the cost of opening a list", () => {
  it("a read, update or delete on a minted list reads no list size (only a create needs it, for the bound)", async () => {
    const { world } = await given();
    const { id: listId, viewId } = await mintList(world);
    const taskId = await createOn(world, listId);
    const sizes = vi.spyOn(world.projection.readModel, "listSize");

    await world.send(listOf(viewId));
    await world.send(taskOf(taskId, listId));
    await world.send(updateOn(taskId, listId, "renamed"));
    await world.send(deleteOn(taskId, listId));
    expect(sizes).not.toHaveBeenCalled();

    await world.send(createTaskOn(listId, "another"));
    expect(sizes).toHaveBeenCalledTimes(1);
  });
});
