/**
 * A create with an idempotency key on a named list the isolate has opened sends its claim along with its list's look
 * (one round trip before the append, as on the default list), and still answers exactly as a look first would: each
 * refusal is the look's, the claim it wrote is dropped (the key is free for the next request), and a retry gets the
 * original task. The first create of a list in an isolate looks first: its fingerprint needs the list's key.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mintDataKey } from "../../shared/lists/cipher";
import type { ListRecord } from "../../shared/lists/port";
import {
  allRecords,
  appendUnregisteredTask,
  given,
  givenWith,
  type Operation,
  TASK,
  type World,
} from "./given";

const PURGE = "mutation ($l: String!) { purgeList(listId: $l) }";

beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function mintList(w: World): Promise<{ id: string; viewId: string }> {
  const answer = await w.send({ query: 'mutation { createList(title: "groceries") { id viewId } }' });
  const list = answer.body?.data?.createList;
  if (typeof list?.id !== "string") throw new Error(`createList failed: ${JSON.stringify(answer.body)}`);
  return list;
}

/** A named list whose words are clear (registered with no key, as the lists minted before lists had keys). */
async function clearList(w: World): Promise<{ id: string; viewId: string }> {
  const list: ListRecord = {
    id: `clear-${crypto.randomUUID()}`,
    viewId: `view-${crypto.randomUUID()}`,
    title: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    key: null,
  };
  await w.lists.register(list);
  return list;
}

const createOn = (listId: string, text: string, key?: string): Operation => ({
  query: `mutation ($text: String!, $listId: String, $key: String) {
    createTask(text: $text, listId: $listId, idempotencyKey: $key) { ${TASK} } }`,
  variables: { text, listId, key: key ?? null },
});

/** What happens, in order: the look sent ("look") and answered ("looked"), the claim sent ("claim"). */
function watch(w: World): string[] {
  const order: string[] = [];
  const open = w.lists.open.bind(w.lists);
  vi.spyOn(w.lists, "open").mockImplementation(async (capability) => {
    order.push("look");
    const opened = await open(capability);
    order.push("looked");
    return opened;
  });
  const claim = w.projection.idempotency.claim.bind(w.projection.idempotency);
  vi.spyOn(w.projection.idempotency, "claim").mockImplementation((...args) => {
    order.push("claim");
    return claim(...args);
  });
  return order;
}

/** The id of the task `op` created; fails the spec on any error. */
async function createdBy(w: World, op: Operation): Promise<string> {
  const answer = await w.send(op);
  const id = answer.body?.data?.createTask?.id;
  if (typeof id !== "string") throw new Error(`createTask failed: ${JSON.stringify(answer.body)}`);
  return id;
}

/** The key is free: a create on `listId` with it creates a new task. */
async function expectFree(w: World, listId: string, key: string): Promise<void> {
  const before = (await w.events()).length;
  const answer = await w.send(createOn(listId, "after the refusal", key));
  expect(answer.body.errors).toBeUndefined();
  expect((await w.events()).length).toBe(before + 1);
}

describe("createTask: the claim goes with the look", () => {
  it("on a sealed and on a clear list the isolate has opened, the claim is sent before the look answers", async () => {
    const { world: w } = await given();
    for (const list of [await mintList(w), await clearList(w)]) {
      await createdBy(w, createOn(list.id, "first", `first-${list.id}`));
      const order = watch(w);

      await createdBy(w, createOn(list.id, "second", `second-${list.id}`));

      expect(order).toEqual(["look", "claim", "looked"]);
      vi.restoreAllMocks();
    }
  });

  it("the first create of a list in an isolate looks, then claims (its fingerprint needs the list's key)", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const order = watch(w);

    await createdBy(w, createOn(list.id, "first", "first-create"));

    expect(order).toEqual(["look", "looked", "claim"]);
  });

  it("a retry answers the original task, and a retry with other words is refused", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    await createdBy(w, createOn(list.id, "first", "warm"));
    const original = await w.send(createOn(list.id, "pay rent", "rent"));

    const retry = await w.send(createOn(list.id, "pay rent", "rent"));
    const other = await w.send(createOn(list.id, "pay the rent", "rent"));

    expect(retry.body).toEqual(original.body);
    expect(other.body.errors?.[0]).toMatchObject({
      message: "this idempotencyKey was already used for a different request",
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect(await w.events()).toHaveLength(3);
  });

  it("LIST_FULL: answered as before, and the claim sent with the look is dropped", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    await createdBy(w, createOn(list.id, "first", "warm-full"));
    const order = watch(w);
    const size = vi.spyOn(w.projection.readModel, "listSize").mockResolvedValue(5000);

    const full = await w.send(createOn(list.id, "one too many", "too-many"));

    expect(order.slice(0, 2)).toEqual(["look", "claim"]);
    expect(full.body.errors?.[0]?.extensions?.code).toBe("LIST_FULL");
    size.mockRestore();
    await expectFree(w, list.id, "too-many");
  });

  it("NOT_FOUND: a list purged since the isolate opened it answers as an unknown list, and the claim is dropped", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    await createdBy(w, createOn(list.id, "first", "warm-purged"));
    const record = w.lists.lists.get(list.id);
    if (!record) throw new Error("the list is not registered");
    // Purged by another isolate: this one still knows the list's key.
    await w.lists.purge(record);
    const order = watch(w);

    const purged = await w.send(createOn(list.id, "on a purged list", "purged"));
    const unknown = await w.send(createOn("never-minted", "on no list", "unknown"));

    expect(order.slice(0, 2)).toEqual(["look", "claim"]);
    expect(purged.body).toEqual(unknown.body);
    expect(purged.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const other = await mintList(w);
    await expectFree(w, other.id, "purged");
  });

  it("FORBIDDEN: a create through the viewId is refused as before, and leaves the key free", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    await createdBy(w, createOn(list.id, "first", "warm-view"));

    const viewed = await w.send(createOn(list.viewId, "through the view", "viewed"));
    const plain = await w.send(createOn(list.viewId, "through the view"));

    expect(viewed.body).toEqual(plain.body);
    expect(viewed.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await expectFree(w, list.id, "viewed");
  });

  it("a list whose key is not the one the isolate expected: the create runs again, look first, under the right key", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    await createdBy(w, createOn(list.id, "first", "warm-rekeyed"));
    const record = w.lists.lists.get(list.id);
    if (!record) throw new Error("the list is not registered");
    w.lists.lists.set(list.id, { ...record, key: mintDataKey() });
    const order = watch(w);

    const created = await w.send(createOn(list.id, "rekeyed", "rekeyed"));
    const retry = await w.send(createOn(list.id, "rekeyed", "rekeyed"));

    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createTask.text).toBe("rekeyed");
    expect(order.slice(0, 3)).toEqual(["look", "claim", "looked"]);
    expect(retry.body).toEqual(created.body);
  });
});

describe("createTask without an idempotency key: the append goes with the look", () => {
  /** Holds every look at a list until the returned function is called. */
  function holdLooks(w: World): () => void {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const open = w.lists.open.bind(w.lists);
    vi.spyOn(w.lists, "open").mockImplementation(async (capability) => {
      await held;
      return open(capability);
    });
    return release;
  }

  it("on a sealed and on a clear list the isolate has opened, with room, the append does not wait for the look", async () => {
    const { world: w } = await given();
    for (const list of [await mintList(w), await clearList(w)]) {
      // The first create of the list in the isolate looks first: it learns the list's key and size.
      await createdBy(w, createOn(list.id, "first"));
      const before = (await w.events()).length;
      const release = holdLooks(w);

      const answer = w.send(createOn(list.id, "second"));

      // A condition, not a time: the limit only bounds how long a failing run waits.
      await vi.waitFor(async () => expect((await w.events()).length).toBe(before + 1), { timeout: 10_000 });
      release();
      expect((await answer).body).toEqual({
        data: { createTask: expect.objectContaining({ text: "second" }) },
      });
      vi.restoreAllMocks();
    }
  });

  it("the first create of a list in an isolate looks before it appends", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const release = holdLooks(w);

    const answer = w.send(createOn(list.id, "first"));

    await vi.waitFor(() => expect(w.lists.open).toHaveBeenCalled(), { timeout: 10_000 });
    expect(await w.events()).toEqual(["ListCreated@1"]);
    release();
    expect((await answer).body.errors).toBeUndefined();
  });

  it("LIST_FULL: the isolate counts its own creates the projection has not folded yet, so one writer stops at the bound", async () => {
    const { world: w } = await givenWith({ maxListTasks: 2 });
    const list = await mintList(w);
    w.delivering = false;
    await createdBy(w, createOn(list.id, "one"));
    // Read while the projection holds neither task: the size is 0, and both creates are this isolate's own.
    await createdBy(w, createOn(list.id, "two"));
    await w.catchUp();

    const third = await w.send(createOn(list.id, "three"));

    expect(third.body.errors?.[0]?.extensions?.code).toBe("LIST_FULL");
    expect((await w.events()).filter((e) => e.startsWith("TaskCreated"))).toHaveLength(2);
  });

  it("a list known by its tasks only (from before lists were minted) is looked at first: once its tasks are gone, a create answers NOT_FOUND and appends nothing", async () => {
    const { world: w } = await given();
    const listId = "made-up-before-lists-were-minted";
    const { id: taskId } = await appendUnregisteredTask(w.log, listId, "from before");
    await w.catchUp();
    const second = await createdBy(w, createOn(listId, "second"));
    for (const id of [taskId, second]) {
      const deleted = await w.send({
        query: "mutation ($id: String!, $l: String) { deleteTask(id: $id, listId: $l) }",
        variables: { id, l: listId },
      });
      expect(deleted.body.errors).toBeUndefined();
    }
    const before = await w.events();

    const gone = await w.send(createOn(listId, "on a list that is no more"));

    expect(gone.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(await w.events()).toEqual(before);
  });

  it("NOT_FOUND: a list purged since the isolate opened it answers as an unknown list, with no token, and the task appended beside the look folds into nothing", async () => {
    const { world: w } = await given();
    const list = await mintList(w);
    const first = await createdBy(w, createOn(list.id, "first"));
    const record = w.lists.lists.get(list.id);
    if (!record) throw new Error("the list is not registered");
    // Purged by another isolate: this one still knows the list's key and room in it.
    await w.lists.purge(record);

    const purged = await w.send(createOn(list.id, "on a purged list"));
    const unknown = await w.send(createOn("never-minted", "on no list"));

    expect(purged.body).toEqual(unknown.body);
    expect(purged.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(purged.token).toBeNull();
    // The records of every partition, one partition after the other: the create beside the look is the list's
    // one TaskCreated besides the first.
    const beside = (await allRecords(w.log))
      .map((r) => JSON.parse(r.value))
      .filter((e) => e.type === "TaskCreated" && e.data.listId === list.id && e.taskId !== first);
    expect(beside).toHaveLength(1);
    const appended = beside[0];
    // The purge the other isolate began is completed (its ListPurged appended): the task is nowhere to be read.
    const completed = await w.send({ query: PURGE, variables: { l: list.id } });
    expect(completed.body.errors).toBeUndefined();
    await w.catchUp();
    expect(await w.projection.readModel.listSize(list.id)).toBe(0);
    expect(await w.projection.readModel.task(appended.taskId)).toEqual({ status: "absent" });
  });
});
