/**
 * The app's sync against a stubbed server: every operation names the list it works on, a list opened with its
 * read-only link never queues a change, and what is typed before the server has minted the list is kept and sent
 * to it once it has.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import type { ListAccess } from "../../web/app/list-id";
import { type SyncStatus, TodoSync } from "../../web/app/sync";
import { MemoryStorage } from "./memory-storage";

interface Sent {
  op: string;
  variables: Record<string, unknown>;
}

/** Stubs fetch with a server that keeps one list's tasks, and records every operation it was sent. */
function stubServer(): Sent[] {
  const sent: Sent[] = [];
  const tasks: Array<{ id: string; text: unknown; done: unknown }> = [];
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
    const { query, variables } = JSON.parse(String(init.body)) as Sent & { query: string };
    const op = /^(?:query|mutation) (\w+)/.exec(query)?.[1] ?? "?";
    sent.push({ op, variables });
    const task = tasks.find((t) => t.id === variables.id);
    let data: unknown;
    if (op === "Create") {
      tasks.push({ id: `t${tasks.length + 1}`, text: variables.text, done: false });
      data = { createTask: tasks.at(-1) };
    } else if (op === "Rename" && task) {
      Object.assign(task, { text: variables.text });
      data = { renameTask: task };
    } else if ((op === "Complete" || op === "Reopen") && task) {
      Object.assign(task, { done: op === "Complete" });
      data = { [`${op.toLowerCase()}Task`]: task };
    } else if (op === "Delete" && task) {
      tasks.splice(tasks.indexOf(task), 1);
      data = { deleteTask: task.id };
    } else data = { tasks: { tasks, nextCursor: null } };
    return new Response(JSON.stringify({ data }), {
      headers: { "content-type": "application/json", "x-consistency-token": `0:${sent.length}` },
    });
  });
  return sent;
}

function startSync(storage: Storage, local: { key: string; canEdit: boolean; list?: string }) {
  const statuses: SyncStatus[] = [];
  const sync = new TodoSync(
    storage,
    { changed: () => {}, status: (s) => statuses.push(s), renamed: () => {} },
    local,
  );
  const settled = () =>
    vi.waitFor(() => {
      if (!sync.idle() || statuses.at(-1)?.state !== "saved") throw new Error("still sending");
    });
  return { sync, settled };
}

const edit: ListAccess = { id: "E".repeat(22), viewId: "V".repeat(22) };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("TodoSync", () => {
  test("every create, rename, tick, delete and read names the list by its id", async () => {
    const sent = stubServer();
    const { sync, settled } = startSync(new MemoryStorage(), { key: edit.id ?? "", canEdit: true });
    sync.attach(edit);
    sync.create("buy milk");
    await settled();
    sync.change({ kind: "rename", id: "t1", title: "buy oat milk" });
    sync.change({ kind: "complete", id: "t1" });
    sync.change({ kind: "delete", id: "t1" });
    await settled();

    const ops = sent.map((s) => s.op);
    expect(ops.filter((op) => op !== "Page")).toEqual(["Create", "Rename", "Complete", "Delete"]);
    for (const s of sent) expect(s.variables.listId).toBe(edit.id);
  });

  test("a list opened with its read-only link reads with the viewId and never queues a change", async () => {
    const sent = stubServer();
    const storage = new MemoryStorage();
    const view: ListAccess = { id: null, viewId: "V".repeat(22) };
    const { sync, settled } = startSync(storage, { key: view.viewId ?? "", canEdit: false });
    sync.attach(view);
    sync.create("sneaked in");
    sync.change({ kind: "delete", id: "t1" });
    await settled();

    expect(sync.canEdit()).toBe(false);
    expect(sync.todos()).toEqual([]);
    expect(sent).toEqual([{ op: "Page", variables: { listId: view.viewId, after: null, cursor: null } }]);
    const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? "");
    expect(keys.filter((k) => k.startsWith("todos-es-cqrs:op:"))).toEqual([]);
  });

  test("todos typed before the list is minted are kept (across a reload) and sent to it once it is", async () => {
    const sent = stubServer();
    const storage = new MemoryStorage();
    const first = startSync(storage, { key: "new", canEdit: true });
    first.sync.create("typed offline");
    expect(sent).toEqual([]);
    // A reload before the server answered: the new page finds what was typed.
    const { sync, settled } = startSync(storage, { key: "new", canEdit: true });
    expect(sync.todos().map((t) => t.title)).toEqual(["typed offline"]);

    sync.attach(edit);
    await settled();

    expect(sent.filter((s) => s.op === "Create")).toEqual([
      { op: "Create", variables: { text: "typed offline", listId: edit.id, key: expect.any(String) } },
    ]);
    expect(sync.todos().map((t) => t.title)).toEqual(["typed offline"]);
    expect(storage.getItem("todos-es-cqrs:state:new")).toBeNull();
  });

  test("a stored list replaced by a new one: its unsent todos move over, its server todos do not", async () => {
    stubServer();
    const storage = new MemoryStorage();
    const old = "old-list";
    storage.setItem(
      `todos-es-cqrs:state:${old}`,
      JSON.stringify({
        base: [{ id: "gone", title: "from the old list", completed: false }],
        ops: [
          { kind: "update", id: "gone", title: "x", completed: true, key: "k1" },
          { kind: "create", id: "local:1", title: "unsent", key: "k2" },
        ],
        token: "0:9",
      }),
    );
    const { sync, settled } = startSync(storage, { key: old, canEdit: true, list: old });
    sync.attach(edit);
    await settled();
    expect(sync.todos().map((t) => t.title)).toEqual(["unsent"]);
    expect(storage.getItem(`todos-es-cqrs:state:${old}`)).toBeNull();
  });
});
