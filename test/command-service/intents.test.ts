/**
 * The intent mutations renameTask, completeTask and reopenTask, specified in process: each changes one field and
 * appends at most one event, so two clients changing different fields of a task both apply; they share updateTask's
 * access, idempotency, sealing and errors.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { refused } from "../support/graphql-answers";
import { allRecords, created, given, TASK, update, type World } from "./given";

let printed: MockInstance[] = [];
beforeEach(() => {
  printed = [
    vi.spyOn(console, "log").mockImplementation(() => {}),
    vi.spyOn(console, "error").mockImplementation(() => {}),
  ];
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface IntentArgs {
  expectedVersion?: number;
  idempotencyKey?: string;
  listId?: string;
}

const ARGS = "expectedVersion: $v, idempotencyKey: $key, listId: $listId";
const VARS = "$v: Int, $key: String, $listId: String";
const vars = (more: IntentArgs) => ({
  v: more.expectedVersion ?? null,
  key: more.idempotencyKey ?? null,
  listId: more.listId ?? null,
});

const rename = (id: string, text: string, more: IntentArgs = {}) => ({
  query: `mutation ($id: String!, $text: String!, ${VARS}) { renameTask(id: $id, text: $text, ${ARGS}) { ${TASK} } }`,
  variables: { id, text, ...vars(more) },
});
const complete = (id: string, more: IntentArgs = {}) => ({
  query: `mutation ($id: String!, ${VARS}) { completeTask(id: $id, ${ARGS}) { ${TASK} } }`,
  variables: { id, ...vars(more) },
});
const reopen = (id: string, more: IntentArgs = {}) => ({
  query: `mutation ($id: String!, ${VARS}) { reopenTask(id: $id, ${ARGS}) { ${TASK} } }`,
  variables: { id, ...vars(more) },
});

describe("intents", () => {
  it("renameTask then completeTask from two clients that read the same version: both apply, one event each", async () => {
    const { world: w, task } = await given(created("buy milk"));

    const renamed = await w.send(rename(task(0), "buy oat milk"));
    const completed = await w.send(complete(task(0)));

    expect(renamed.body).toEqual({
      data: { renameTask: { id: task(0), text: "buy oat milk", done: false, version: 2 } },
    });
    expect(completed.body).toEqual({
      data: { completeTask: { id: task(0), text: "buy oat milk", done: true, version: 3 } },
    });
    expect(completed.token).not.toBeNull();
    expect(await w.events()).toEqual(["TaskCreated@1", "TaskRenamed@2", "TaskCompleted@3"]);
  });

  it("updateTask sent with what was read before a rename undoes it (what intents avoid)", async () => {
    const { world: w, task } = await given(created("buy milk"));

    await w.send(rename(task(0), "buy oat milk"));
    const updated = await w.send(update(task(0), "buy milk", true));

    expect(updated.body.data.updateTask).toMatchObject({ text: "buy milk", done: true });
  });

  it("completeTask on a done task, reopenTask on an open one, renameTask to the same text: nothing appended", async () => {
    const { world: w, when, task } = await given(created("buy milk"));
    await w.send(complete(task(0)));

    const again = await when(complete(task(0)));
    expect(again.answer.body.data.completeTask).toEqual({
      id: task(0),
      text: "buy milk",
      done: true,
      version: 2,
    });
    expect(again.answer.token).toBeNull();
    expect(again.appended).toEqual([]);

    const reopened = await when(reopen(task(0)));
    expect(reopened.appended).toEqual(["TaskReopened@3"]);
    expect((await when(reopen(task(0)))).appended).toEqual([]);
    expect((await when(rename(task(0), "buy milk"))).appended).toEqual([]);
  });

  it("a stale expectedVersion is CONFLICT naming expectedVersion, and appends nothing", async () => {
    const { world: w, when, task } = await given(created("buy milk"));
    await w.send(rename(task(0), "buy oat milk"));

    for (const [field, operation] of [
      ["renameTask", rename(task(0), "buy soy milk", { expectedVersion: 1 })],
      ["completeTask", complete(task(0), { expectedVersion: 1 })],
      ["reopenTask", reopen(task(0), { expectedVersion: 1 })],
    ] as const) {
      const { answer, appended } = await when(operation);
      expect(answer.body).toEqual(
        refused(field, "CONFLICT", `task ${task(0)} is at version 2, not the expected version 1`, {
          field: "expectedVersion",
        }),
      );
      expect(appended).toEqual([]);
    }
    expect((await when(complete(task(0), { expectedVersion: 2 }))).appended).toEqual(["TaskCompleted@3"]);
  });

  it("an idempotencyKey replayed answers the first result and appends once; reused for another intent it is refused", async () => {
    const { world: w, when, task } = await given(created("buy milk"));

    const first = await w.send(rename(task(0), "buy oat milk", { idempotencyKey: "k-rename" }));
    await w.send(complete(task(0)));
    const replayed = await when(rename(task(0), "buy oat milk", { idempotencyKey: "k-rename" }));

    expect(replayed.answer.body).toEqual(first.body);
    expect(replayed.answer.token).toBe(first.token);
    expect(replayed.appended).toEqual([]);
    const reused = await when(complete(task(0), { idempotencyKey: "k-rename" }));
    expect(reused.answer.body).toEqual(
      refused(
        "completeTask",
        "BAD_USER_INPUT",
        "this idempotencyKey was already used for a different request",
      ),
    );
    expect(await w.events()).toEqual(["TaskCreated@1", "TaskRenamed@2", "TaskCompleted@3"]);
  });

  it("an unknown id is NOT_FOUND and an id that is not a task id is BAD_USER_INPUT, as for updateTask", async () => {
    const { when } = await given();
    const unknown = "00000000-0000-4000-8000-000000000000";

    expect((await when(complete(unknown))).answer.body).toEqual(
      refused("completeTask", "NOT_FOUND", `task ${unknown} does not exist`, { field: "taskId" }),
    );
    expect((await when(reopen("not-a-uuid"))).answer.body).toEqual(
      refused("reopenTask", "BAD_USER_INPUT", "id must be a task id (a lowercase UUID)"),
    );
    expect((await when(rename(unknown, " "))).answer.body).toEqual(
      refused("renameTask", "BAD_USER_INPUT", "text must not be empty or whitespace only", { field: "text" }),
    );
  });
});

async function mintList(w: World): Promise<{ id: string; viewId: string }> {
  const answer = await w.send({
    query: "mutation ($title: String) { createList(title: $title) { id viewId } }",
    variables: { title: "errands" },
  });
  return answer.body.data.createList;
}

async function createOn(w: World, listId: string, text: string): Promise<string> {
  const answer = await w.send({
    query: `mutation ($text: String!, $listId: String) { createTask(text: $text, listId: $listId) { id } }`,
    variables: { text, listId },
  });
  return answer.body.data.createTask.id;
}

describe("intents on named lists", () => {
  const SECRET = "feed the capybara at noon";

  it("renameTask on a sealed list: the answer is opened, the log, projection and remembered key hold no words", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const id = await createOn(w, list.id, "errand");

    const renamed = await w.send(rename(id, SECRET, { listId: list.id, idempotencyKey: "k-sealed" }));
    const replayed = await w.send(rename(id, SECRET, { listId: list.id, idempotencyKey: "k-sealed" }));
    const completed = await w.send(complete(id, { listId: list.id }));
    await w.catchUp();

    expect(renamed.body.data.renameTask).toEqual({ id, text: SECRET, done: false, version: 2 });
    expect(replayed.body).toEqual(renamed.body);
    expect(completed.body.data.completeTask).toEqual({ id, text: SECRET, done: true, version: 3 });
    const { state } = w.projection;
    const stored = JSON.stringify([
      (await allRecords(w.log)).map((r) => r.value),
      [...state.states.values()],
      [...state.history.values()],
      [...state.strings.entries()],
      printed.flatMap((spy) => spy.mock.calls),
    ]);
    // The key's claim remembers the operation and a keyed digest of the text.
    const claim = [...state.strings.entries()].find(([key]) => key.endsWith(":idempotency:k-sealed"))?.[1];
    const [operation, args] = JSON.parse(JSON.parse(claim?.value ?? "{}").fingerprint);
    expect([operation, args.text]).toEqual(["renameTask", expect.stringMatching(/^hmac:/)]);
    expect(stored).not.toContain("capybara");
  });

  it("a task on another list is NOT_FOUND; the list's viewId cannot change it (FORBIDDEN)", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const other = await mintList(w);
    const id = await createOn(w, list.id, "errand");

    for (const [field, operation] of [
      ["renameTask", rename(id, "x", { listId: other.id })],
      ["completeTask", complete(id, { listId: other.id })],
      ["reopenTask", reopen(id)],
    ] as const) {
      expect((await w.send(operation)).body).toEqual(
        refused(field, "NOT_FOUND", `task ${id} does not exist`, { field: "taskId" }),
      );
    }
    const viewed = await w.send(complete(id, { listId: list.viewId }));
    expect(viewed.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect((await w.events()).filter((e) => e.startsWith("Task"))).toEqual(["TaskCreated@1"]);
  });
});
