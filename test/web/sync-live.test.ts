/**
 * Changes from elsewhere (the live subscription) in the app's sync: a newer version replaces the confirmed copy and
 * an older one never does; a deleted todo is not brought back by a read that began before its delete; a change
 * that arrives during a read goes over the read's answer; and what this browser has not sent stays on top.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import type { ListAccess } from "../../web/app/list-id";
import { type SyncStatus, TodoSync } from "../../web/app/sync";
import { MemoryStorage } from "./memory-storage";

const edit: ListAccess = { id: "E".repeat(22), viewId: "V".repeat(22) };
type Task = { id: string; text: string; done: boolean; version: number };

/** A server whose list reads answer `pages()` (a read may be held until `release`); counts the reads begun. */
function stubReads(pages: () => Task[], hold?: Promise<void>): { begun: number } {
  const reads = { begun: 0 };
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
    const { query } = JSON.parse(String(init.body)) as { query: string };
    if (!query.startsWith("query Page")) throw new Error(`unexpected ${query}`);
    reads.begun++;
    await hold;
    return new Response(JSON.stringify({ data: { tasks: { tasks: pages(), nextCursor: null } } }), {
      headers: { "content-type": "application/json" },
    });
  });
  return reads;
}

function start() {
  const statuses: SyncStatus[] = [];
  const sync = new TodoSync(
    new MemoryStorage(),
    { changed: () => {}, status: (s) => statuses.push(s), renamed: () => {} },
    { key: edit.id ?? "", canEdit: true },
  );
  const settled = () =>
    vi.waitFor(() => {
      if (!sync.idle() || statuses.at(-1)?.state !== "saved") throw new Error("still reading");
    });
  return { sync, settled };
}

afterEach(() => vi.unstubAllGlobals());

describe("changes from elsewhere", () => {
  test("a todo told of while this browser's create of it is on its way shows once, under its server id", async () => {
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      const { query } = JSON.parse(String(init.body)) as { query: string };
      if (query.startsWith("query Page"))
        return new Response(JSON.stringify({ data: { tasks: { tasks: [], nextCursor: null } } }));
      await answered;
      return new Response(
        JSON.stringify({ data: { createTask: { id: "s1", text: "milk", done: false, version: 1 } } }),
        {
          headers: { "x-consistency-token": "0:1" },
        },
      );
    });
    const { sync, settled } = start();
    sync.attach(edit);
    await settled();
    sync.create("milk");
    await vi.waitFor(() => expect(sync.idle()).toBe(false));
    // The live message beats the create's answer.
    sync.applyRemote({
      token: "0:1",
      tasks: [{ id: "s1", text: "milk", done: false, version: 1 }],
      deleted: [],
    });
    expect(sync.todos()).toHaveLength(1);
    answer();
    await settled();
    expect(sync.todos()).toEqual([{ id: "s1", title: "milk", completed: false, version: 1 }]);
  });

  test("a todo this browser deleted is not brought back by a message sent before the delete", async () => {
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      const { query } = JSON.parse(String(init.body)) as { query: string };
      if (query.startsWith("query Page"))
        return new Response(
          JSON.stringify({
            data: {
              tasks: { tasks: [{ id: "a", text: "milk", done: false, version: 1 }], nextCursor: null },
            },
          }),
        );
      return new Response(JSON.stringify({ data: { deleteTask: "a" } }), {
        headers: { "x-consistency-token": "0:2" },
      });
    });
    const { sync, settled } = start();
    sync.attach(edit);
    await settled();
    sync.change({ kind: "delete", id: "a" });
    await settled();
    sync.applyRemote({
      token: "0:1",
      tasks: [{ id: "a", text: "milk", done: false, version: 1 }],
      deleted: [],
    });
    expect(sync.todos()).toEqual([]);
  });

  test("a newer version replaces, an older one is ignored, a new todo is added", async () => {
    stubReads(() => [{ id: "a", text: "milk", done: false, version: 1 }]);
    const { sync, settled } = start();
    sync.attach(edit);
    await settled();
    sync.applyRemote({
      token: "0:5",
      tasks: [{ id: "a", text: "oat milk", done: false, version: 2 }],
      deleted: [],
    });
    sync.applyRemote({
      token: "0:4",
      tasks: [{ id: "a", text: "milk", done: true, version: 1 }],
      deleted: [],
    });
    sync.applyRemote({
      token: "0:6",
      tasks: [{ id: "b", text: "bread", done: false, version: 1 }],
      deleted: [],
    });
    expect(sync.todos()).toEqual([
      { id: "a", title: "oat milk", completed: false, version: 2 },
      { id: "b", title: "bread", completed: false, version: 1 },
    ]);
  });

  test("a delete is not undone by a read that began before it; a change during a read goes over its answer", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const stale = [
      { id: "a", text: "milk", done: false, version: 1 },
      { id: "b", text: "bread", done: false, version: 1 },
    ];
    const reads = stubReads(() => stale, held);
    const { sync, settled } = start();
    sync.attach(edit);
    // While the read is held: b is deleted elsewhere, a is completed elsewhere.
    await vi.waitFor(() => expect(reads.begun).toBe(1));
    sync.applyRemote({ token: "0:7", tasks: [], deleted: ["b"] });
    sync.applyRemote({
      token: "0:8",
      tasks: [{ id: "a", text: "milk", done: true, version: 2 }],
      deleted: [],
    });
    release();
    await settled();
    expect(sync.todos()).toEqual([{ id: "a", title: "milk", completed: true, version: 2 }]);
  });

  test("a change not sent yet stays on top of one from elsewhere", async () => {
    stubReads(() => [{ id: "a", text: "milk", done: false, version: 1 }]);
    const { sync, settled } = start();
    sync.attach(edit);
    await settled();
    // Offline from now on: the rename waits in the outbox.
    vi.stubGlobal("fetch", () => new Promise(() => {}));
    sync.change({ kind: "rename", id: "a", title: "whole milk" });
    sync.applyRemote({
      token: "0:9",
      tasks: [{ id: "a", text: "milk", done: true, version: 2 }],
      deleted: [],
    });
    // What this browser did shows, and only the field it changed: the tick made elsewhere shows too (once the
    // rename is answered: until then changes from elsewhere are held).
    expect(sync.todos()).toMatchObject([{ id: "a", title: "whole milk" }]);
  });

  test("a change made while a read is under way is said to be saving at once, not once the read is done", async () => {
    const held = new Promise<void>(() => {});
    const reads = stubReads(() => [], held);
    const statuses: SyncStatus[] = [];
    const sync = new TodoSync(
      new MemoryStorage(),
      { changed: () => {}, status: (s) => statuses.push(s), renamed: () => {} },
      { key: edit.id ?? "", canEdit: true },
    );
    sync.attach(edit);
    await vi.waitFor(() => expect(reads.begun).toBe(1));
    statuses.push({ state: "saved" });
    sync.create("typed during a read");
    expect(statuses.at(-1)).toEqual({ state: "saving", pending: 1 });
  });
});
