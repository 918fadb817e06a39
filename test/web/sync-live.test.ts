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

/** A server whose list reads answer `pages()` (a read may be held until `release`). */
function stubReads(pages: () => Task[], hold?: Promise<void>) {
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
    const { query } = JSON.parse(String(init.body)) as { query: string };
    if (!query.startsWith("query Page")) throw new Error(`unexpected ${query}`);
    await hold;
    return new Response(JSON.stringify({ data: { tasks: { tasks: pages(), nextCursor: null } } }), {
      headers: { "content-type": "application/json" },
    });
  });
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
    stubReads(() => stale, held);
    const { sync, settled } = start();
    sync.attach(edit);
    // While the read is held: b is deleted elsewhere, a is completed elsewhere.
    await vi.waitFor(() => expect(vi.mocked(fetch)).toBeDefined());
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
    sync.change({ kind: "update", id: "a", title: "whole milk", completed: false });
    sync.applyRemote({
      token: "0:9",
      tasks: [{ id: "a", text: "milk", done: true, version: 2 }],
      deleted: [],
    });
    expect(sync.todos()).toEqual([{ id: "a", title: "whole milk", completed: false, version: 2 }]);
  });
});
