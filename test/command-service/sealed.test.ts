/**
 * A named list's words are sealed in the command worker: its title and its tasks' texts reach the log, the
 * projection, the write guards, the idempotency keys and the log lines only as ciphertext under the list's key,
 * and are opened again for whoever holds one of the list's capabilities. The default list stays clear.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { DEFAULT_BATCH_BYTES } from "../../shared/projection/fold";
import { foldAll } from "../projection/given";
import { sealedTheEarlierWay } from "../support/earlier-seal";
import { createMemoryProjection } from "../support/memory-projection";
import { allRecords, given, type Operation, TASK, type World } from "./given";

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

const TITLE = "Zanzibar secret recipes";
const FIRST = "marinate the okapi overnight";
const SECOND = "saffron from the quokka market";

async function mintList(w: World, title = TITLE): Promise<{ id: string; viewId: string }> {
  const answer = await w.send({
    query: "mutation ($title: String) { createList(title: $title) { id viewId title } }",
    variables: { title },
  });
  const list = answer.body?.data?.createList;
  if (typeof list?.id !== "string") throw new Error(`createList failed: ${JSON.stringify(answer.body)}`);
  expect(list.title).toBe(title);
  return list;
}

const createOn = (listId: string | null, text: string, key?: string): Operation => ({
  query: `mutation ($text: String!, $listId: String, $key: String) {
    createTask(text: $text, listId: $listId, idempotencyKey: $key) { ${TASK} } }`,
  variables: { text, listId, key: key ?? null },
});
const updateOn = (id: string, listId: string | null, text: string, key?: string): Operation => ({
  query: `mutation ($id: String!, $listId: String, $text: String!, $key: String) {
    updateTask(id: $id, text: $text, done: true, listId: $listId, idempotencyKey: $key) { ${TASK} } }`,
  variables: { id, listId, text, key: key ?? null },
});
const read = (id: string, listId: string): Operation => ({
  query: `query ($id: String!, $listId: String!) {
    task(id: $id, listId: $listId) { text } list(listId: $listId) { text }
    history(id: $id, listId: $listId) { type text } listInfo(listId: $listId) { title } }`,
  variables: { id, listId },
});

/** What `read` answers for a task renamed to SECOND on the list titled TITLE, its history as given: every word opened. */
const openedRead = (history: Array<{ type: string; text: string | null }>) => ({
  data: { task: { text: SECOND }, list: [{ text: SECOND }], history, listInfo: { title: TITLE } },
});

/** Everything the world holds at rest, as one string: log records, projection, guards, claims, registry, log lines. */
async function atRest(w: World): Promise<string> {
  const { state } = w.projection;
  return JSON.stringify([
    (await allRecords(w.log)).map((r) => r.value),
    [...state.states.values()],
    [...state.history.values()],
    [...state.strings.entries()],
    state.dead,
    state.rejected,
    [...w.lists.lists.values()],
    printed.flatMap((spy) => spy.mock.calls),
  ]);
}

describe("sealed lists", () => {
  it("createTask, updateTask, createList: no text or title of a named list is stored or logged in the clear", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const created = await w.send(createOn(list.id, FIRST, "key-create"));
    const id = created.body.data.createTask.id;
    expect(created.body.data.createTask.text).toBe(FIRST);
    const updated = await w.send(updateOn(id, list.id, SECOND, "key-update"));
    expect(updated.body.data.updateTask.text).toBe(SECOND);
    await w.catchUp();

    const stored = await atRest(w);
    for (const words of [TITLE, FIRST, SECOND, "Zanzibar", "okapi", "quokka"]) {
      expect(stored).not.toContain(words);
    }
  });

  it("list, task, history, listInfo: open the words again for a holder of the id or the viewId", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const id = (await w.send(createOn(list.id, FIRST))).body.data.createTask.id;
    await w.send(updateOn(id, list.id, SECOND));
    for (const capability of [list.id, list.viewId]) {
      const answer = await w.send(read(id, capability));
      expect(answer.body).toEqual(
        openedRead([
          { type: "TaskCreated", text: FIRST },
          { type: "TaskRenamed", text: SECOND },
          { type: "TaskCompleted", text: null },
        ]),
      );
    }
  });

  it("updateTask: the same text is no change (decided on the opened text), and a retry answers the opened task", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const id = (await w.send(createOn(list.id, FIRST))).body.data.createTask.id;
    const first = await w.send(updateOn(id, list.id, FIRST, "same"));
    expect(first.body.data.updateTask).toMatchObject({ text: FIRST, done: true, version: 2 });
    const retried = await w.send(updateOn(id, list.id, FIRST, "same"));
    expect(retried.body).toEqual(first.body);
    expect(await w.events()).toHaveLength(3);
  });

  it("history of a deleted task: events, times and versions for anyone who asks by the list, its words only with the list's id or viewId", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const other = await mintList(w, "someone else's list");
    const id = (await w.send(createOn(list.id, FIRST))).body.data.createTask.id;
    await w.send({
      query: "mutation ($id: String!, $l: String) { deleteTask(id: $id, listId: $l) }",
      variables: { id, l: list.id },
    });
    const history = (listId: string | null) => ({
      query:
        "query ($id: String!, $l: String) { history(id: $id, listId: $l) { type version occurredAt text } }",
      variables: { id, l: listId },
    });
    for (const capability of [list.id, list.viewId]) {
      const entries = (await w.send(history(capability))).body.data.history;
      expect(entries.map((e: { type: string; text: string | null }) => [e.type, e.text])).toEqual([
        ["TaskCreated", FIRST],
        ["TaskDeleted", null],
      ]);
      expect(entries.every((e: { occurredAt: string; version: number }) => e.occurredAt && e.version)).toBe(
        true,
      );
    }
    for (const listId of [null, other.id, other.viewId]) {
      expect((await w.send(history(listId))).body).toEqual({ data: { history: [] } });
    }
  });

  it("the default list stays clear: its events are written as before", async () => {
    const { world: w } = await given();
    await w.send(createOn(null, "a clear default-list task"));
    const [record] = await allRecords(w.log);
    expect(JSON.parse(record?.value ?? "{}").data).toEqual({ text: "a clear default-list task" });
  });

  it("a ciphertext moved in the log to another event of the list is an error on read, never the other text", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const a = (await w.send(createOn(list.id, FIRST))).body.data.createTask.id;
    const b = (await w.send(createOn(list.id, SECOND))).body.data.createTask.id;
    const records = await allRecords(w.log);
    const ofB = records.map((r) => JSON.parse(r.value)).find((e) => e.taskId === b);
    // Someone with write access to the log renames A with B's ciphertext, under an event id of their own.
    const forged = {
      eventId: "0b6f3f4e-3c55-4f43-9a52-8c0a0f1f2e3d",
      type: "TaskRenamed",
      schemaVersion: 1,
      taskId: a,
      version: 2,
      occurredAt: new Date().toISOString(),
      data: { sealed: ofB.data.sealed },
      metadata: {},
    };
    await w.log.append(a, [JSON.stringify(forged)]);
    await w.catchUp();
    const answer = await w.send(read(a, list.id));
    expect(answer.body.data?.task ?? null).toBeNull();
    expect(JSON.stringify(answer.body)).not.toContain(SECOND);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("DATA_CORRUPTED");
  });

  it("a text sealed in the earlier form, its random nonce stored ahead of the ciphertext, still opens", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const id = (await w.send(createOn(list.id, FIRST))).body.data.createTask.id;
    const key = [...w.lists.lists.values()].find((l) => l.id === list.id)?.key;
    if (!key) throw new Error("the minted list has no key in the registry");
    // A rename appended by a release from before the nonce came from the event id.
    const eventId = crypto.randomUUID();
    const sealed = await sealedTheEarlierWay(key, eventId, SECOND);
    const renamed = {
      eventId,
      type: "TaskRenamed",
      schemaVersion: 1,
      taskId: id,
      version: 2,
      occurredAt: new Date().toISOString(),
      data: { sealed },
      metadata: {},
    };
    await w.log.append(id, [JSON.stringify(renamed)]);
    await w.catchUp();
    const answer = await w.send(read(id, list.viewId));
    expect(answer.body).toEqual(
      openedRead([
        { type: "TaskCreated", text: FIRST },
        { type: "TaskRenamed", text: SECOND },
      ]),
    );
  });

  it("a ciphertext tampered with in the log is an error on read, never a wrong text", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    w.delivering = false;
    const id = (await w.send(createOn(list.id, FIRST))).body.data.createTask.id;
    // The task's own record: with two partitions it may come before or after the list's in the log.
    const record = (await allRecords(w.log)).find((r) => JSON.parse(r.value).type === "TaskCreated");
    const value = JSON.parse(record?.value ?? "{}");
    const sealed: string = value.data.sealed;
    const flipped = sealed.slice(0, 20) + (sealed[20] === "A" ? "B" : "A") + sealed.slice(21);
    // The fold folds what the log holds: put the tampered record in its place in the projection's state.
    const { states, history } = w.projection.state;
    await w.catchUp();
    states.set(id, (states.get(id) ?? "").replace(sealed, flipped));
    history.set(
      id,
      (history.get(id) ?? []).map((entry) => entry.replace(sealed, flipped)),
    );
    const answer = await w.send(read(id, list.id));
    expect(answer.body.data?.task ?? null).toBeNull();
    expect(JSON.stringify(answer.body)).not.toContain(FIRST);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("DATA_CORRUPTED");
  });
});

const PURGE = "mutation ($listId: String!) { purgeList(listId: $listId) }";

describe("purgeList", () => {
  it("purgeList: destroys the key, then the list and its tasks (deleted ones too) answer NOT_FOUND and leave the projection", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const kept = (await w.send(createOn(list.id, FIRST))).body.data.createTask.id;
    const gone = (await w.send(createOn(list.id, SECOND))).body.data.createTask.id;
    await w.send({
      query: "mutation ($id: String!, $l: String) { deleteTask(id: $id, listId: $l) }",
      variables: { id: gone, l: list.id },
    });
    const other = await mintList(w, "another list");
    const stays = (await w.send(createOn(other.id, "other words"))).body.data.createTask.id;

    const viewOnly = await w.send({ query: PURGE, variables: { listId: list.viewId } });
    expect(viewOnly.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const purged = await w.send({ query: PURGE, variables: { listId: list.id } });
    expect(purged.body).toEqual({ data: { purgeList: list.id } });

    expect(w.lists.lists.get(list.id)?.key ?? null).toBeNull();
    for (const capability of [list.id, list.viewId]) {
      const answer = await w.send(read(kept, capability));
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
    const { state } = w.projection;
    for (const id of [kept, gone]) {
      expect(state.states.has(id)).toBe(false);
      expect(state.history.has(id)).toBe(false);
    }
    expect(state.lists.get(list.id)?.size ?? 0).toBe(0);
    expect(state.states.has(stays)).toBe(true);
    expect((await w.send(read(stays, other.id))).body.data.task).toEqual({ text: "other words" });
  });

  it("a rebuild folds a purged list's events into nothing readable, and does not stop", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const id = (await w.send(createOn(list.id, FIRST))).body.data.createTask.id;
    await w.send(updateOn(id, list.id, SECOND));
    await w.send({ query: PURGE, variables: { listId: list.id } });
    const clear = (await w.send(createOn(null, "clear words"))).body.data.createTask.id;

    const rebuilt = createMemoryProjection();
    await foldAll(rebuilt.sink, rebuilt.readModel, await allRecords(w.log), {
      partitions: w.log.partitions,
      batchBytes: DEFAULT_BATCH_BYTES,
      batchSize: 1,
    });
    expect(await rebuilt.readModel.stops()).toEqual(new Map());
    expect(rebuilt.state.dead).toEqual([]);
    expect(rebuilt.state.states.has(id)).toBe(false);
    expect(rebuilt.state.history.has(id)).toBe(false);
    expect(await rebuilt.readModel.listSize(list.id)).toBe(0);
    expect([...rebuilt.state.states.keys()]).toEqual([clear]);
    expect((await rebuilt.readModel.task(clear)).status).toBe("active");
  });
});
