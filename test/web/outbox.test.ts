/**
 * The browser's one outbox, shared by its tabs, against a stubbed server: tabs never overwrite each other's changes
 * and each change is sent once; a delete names the version it was made on, moved up past this browser's own changes
 * only; a refused change drops only itself; storage that refuses writes never makes a change be sent twice.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { ListAccess } from "../../web/app/list-id";
import { SafeStorage } from "../../web/app/storage";
import { type SyncStatus, TodoSync } from "../../web/app/sync";
import { MemoryStorage } from "./memory-storage";

const edit: ListAccess = { id: "E".repeat(22), viewId: "V".repeat(22) };

interface Sent {
  op: string;
  variables: Record<string, unknown>;
}
type Task = { id: string; text: string; done: boolean; version: number };

/**
 * A server with one list, versions as the real one counts them (one per event, none for a change that changes
 * nothing), a delete refused with CONFLICT on expectedVersion when the task moved on, and `refuse(sent)` to refuse
 * chosen requests; `offline` makes every request fail as a lost connection does.
 */
function stubServer(refuse: (s: Sent) => string | undefined = () => undefined) {
  const sent: Sent[] = [];
  const tasks: Task[] = [];
  const server = { sent, tasks, offline: false };
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
    if (server.offline) throw new TypeError("Failed to fetch");
    const { query, variables } = JSON.parse(String(init.body)) as Sent & { query: string };
    const op = /^(?:query|mutation) (\w+)/.exec(query)?.[1] ?? "?";
    const request = { op, variables };
    sent.push(request);
    const why = refuse(request);
    const error = (code: string, message: string, field?: string) =>
      new Response(JSON.stringify({ data: null, errors: [{ message, extensions: { code, field } }] }));
    if (why) return error("BAD_USER_INPUT", why, "text");
    const task = tasks.find((t) => t.id === variables.id);
    const bump = (change: Partial<Task>) => {
      if (!task) return;
      const changed = Object.entries(change).some(([k, v]) => task[k as keyof Task] !== v);
      if (changed) Object.assign(task, change, { version: task.version + 1 });
    };
    let data: unknown;
    if (op === "Create") {
      tasks.push({ id: `t${tasks.length + 1}`, text: String(variables.text), done: false, version: 1 });
      data = { createTask: tasks.at(-1) };
    } else if (op === "Page") data = { tasks: { tasks, nextCursor: null } };
    else if (!task) return error("NOT_FOUND", "no such task");
    else if (op === "Rename") {
      bump({ text: String(variables.text) });
      data = { renameTask: task };
    } else if (op === "Complete" || op === "Reopen") {
      bump({ done: op === "Complete" });
      data = { [`${op.toLowerCase()}Task`]: task };
    } else if (op === "Delete") {
      if (variables.version !== null && variables.version !== task.version)
        return error("CONFLICT", "moved on", "expectedVersion");
      tasks.splice(tasks.indexOf(task), 1);
      data = { deleteTask: task.id };
    }
    return new Response(JSON.stringify({ data }), { headers: { "x-consistency-token": `0:${sent.length}` } });
  });
  return server;
}

/** localStorage shared by tabs: a write in one reaches the others as the browser's `storage` event does. */
class SharedStorage extends MemoryStorage {
  readonly tabs: TodoSync[] = [];
  writer: TodoSync | undefined;
  override setItem(key: string, value: string): void {
    super.setItem(key, value);
    this.tell(key, value);
  }
  override removeItem(key: string): void {
    super.removeItem(key);
    this.tell(key, null);
  }
  private tell(key: string, value: string | null): void {
    const from = this.writer;
    queueMicrotask(() => {
      for (const tab of this.tabs) if (tab !== from) tab.storageChanged(key, value);
    });
  }
}

/** A tab on `edit`'s list; every storage write it makes is marked as its own (no event back to itself). */
function openTab(storage: SharedStorage | Storage) {
  const statuses: SyncStatus[] = [];
  const told: string[] = [];
  const shared = storage instanceof SharedStorage ? storage : undefined;
  let sync: TodoSync;
  const own = <T>(run: () => T): T => {
    if (!shared) return run();
    const before = shared.writer;
    shared.writer = sync;
    try {
      return run();
    } finally {
      shared.writer = before;
    }
  };
  sync = new TodoSync(
    new Proxy(storage, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        return typeof value === "function"
          ? (...args: unknown[]) => own(() => (value as (...a: unknown[]) => unknown).apply(target, args))
          : value;
      },
    }),
    { changed: () => {}, status: (s) => statuses.push(s), renamed: () => {}, told: (m) => told.push(m) },
    { key: edit.id ?? "", canEdit: true, list: edit.id },
  );
  shared?.tabs.push(sync);
  sync.attach(edit);
  const settled = () =>
    vi.waitFor(
      () => {
        if (!sync.idle() || statuses.at(-1)?.state !== "saved") throw new Error("still sending");
      },
      { timeout: 5000 },
    );
  return { sync, settled, statuses, told };
}

const mutations = (sent: Sent[]) => sent.filter((s) => s.op !== "Page");

/** Web Locks as a browser grants them: one holder per name at a time, the others in turn. */
function stubLocks(): void {
  const tails = new Map<string, Promise<unknown>>();
  vi.stubGlobal("navigator", {
    locks: {
      request: (name: string, run: () => Promise<unknown>) => {
        const turn = (tails.get(name) ?? Promise.resolve()).then(run);
        tails.set(
          name,
          turn.catch(() => undefined),
        );
        return turn;
      },
    },
  });
}

beforeEach(() => stubLocks());
afterEach(() => vi.unstubAllGlobals());

describe("one outbox per browser", () => {
  test("two tabs offline: each sees the other's change, and each change is sent once", async () => {
    const server = stubServer();
    const storage = new SharedStorage();
    const one = openTab(storage);
    const two = openTab(storage);
    await one.settled();
    await two.settled();
    server.offline = true;
    one.sync.create("from tab one");
    // Tab two has seen it (the storage event) before its own: it goes after.
    await vi.waitFor(() => expect(two.sync.todos()).toHaveLength(1));
    two.sync.create("from tab two");
    await vi.waitFor(() =>
      expect(one.sync.todos().map((t) => t.title)).toEqual(["from tab one", "from tab two"]),
    );
    // Tab one reloads: a new page on the same storage.
    const reloaded = openTab(storage);
    expect(reloaded.sync.todos().map((t) => t.title)).toEqual(["from tab one", "from tab two"]);
    server.offline = false;
    reloaded.sync.refresh();
    two.sync.refresh();
    await reloaded.settled();
    await two.settled();
    await one.settled();
    expect(mutations(server.sent).map((s) => s.variables.text)).toEqual(["from tab one", "from tab two"]);
    expect(server.tasks.map((t) => t.text)).toEqual(["from tab one", "from tab two"]);
  });

  test("changes to different fields go as intents: the rename made elsewhere survives this tick", async () => {
    const server = stubServer();
    server.tasks.push({ id: "t1", text: "milk", done: false, version: 1 });
    const { sync, settled } = openTab(new MemoryStorage());
    await settled();
    server.tasks[0] = { id: "t1", text: "oat milk", done: false, version: 2 };
    sync.change({ kind: "complete", id: "t1" });
    await settled();
    expect(server.tasks).toEqual([{ id: "t1", text: "oat milk", done: true, version: 3 }]);
    expect(sync.todos()).toEqual([{ id: "t1", title: "oat milk", completed: true, version: 3 }]);
  });

  test("a delete stands on this browser's own earlier changes, never on someone else's", async () => {
    const server = stubServer();
    server.tasks.push(
      { id: "a", text: "a", done: false, version: 1 },
      { id: "b", text: "b", done: false, version: 1 },
    );
    const { sync, settled, statuses } = openTab(new MemoryStorage());
    await settled();
    server.offline = true;
    // Offline: tick and clear both (each delete made on version 1).
    sync.change({ kind: "complete", id: "a" });
    sync.change({ kind: "complete", id: "b" });
    sync.change({ kind: "delete", id: "a" });
    sync.change({ kind: "delete", id: "b" });
    // Meanwhile b is renamed elsewhere.
    server.tasks[1] = { id: "b", text: "b!", done: false, version: 2 };
    server.offline = false;
    sync.refresh();
    await settled();
    expect(server.tasks.map((t) => t.id)).toEqual(["b"]);
    expect(
      mutations(server.sent)
        .filter((s) => s.op === "Delete")
        .map((s) => s.variables.version),
    ).toEqual([2, 1]);
    expect(statuses.some((s) => s.state === "failed" && s.message.includes('"b!" was not deleted'))).toBe(
      true,
    );
    expect(sync.todos()).toEqual([{ id: "b", title: "b!", completed: true, version: 3 }]);
  });

  test("a refused rename drops only itself, says which and why; the tick after it is saved", async () => {
    const server = stubServer((s) => (s.op === "Rename" ? "too long" : undefined));
    server.tasks.push({ id: "t1", text: "milk", done: false, version: 1 });
    const { sync, settled, statuses } = openTab(new MemoryStorage());
    await settled();
    sync.change({ kind: "rename", id: "t1", title: "m".repeat(50) });
    sync.change({ kind: "complete", id: "t1" });
    await settled();
    expect(server.tasks).toEqual([{ id: "t1", text: "milk", done: true, version: 2 }]);
    const failed = statuses.find((s) => s.state === "failed");
    expect(failed).toMatchObject({ message: expect.stringContaining('Not saved: renaming "milk" to "mmm') });
    expect(failed).toMatchObject({ message: expect.stringContaining("too long") });
  });

  test("a rename replaced by a later one from elsewhere is told", async () => {
    const server = stubServer();
    server.tasks.push({ id: "t1", text: "milk", done: false, version: 1 });
    const { sync, settled, told } = openTab(new MemoryStorage());
    await settled();
    sync.change({ kind: "rename", id: "t1", title: "oat milk" });
    await settled();
    sync.applyRemote({
      token: "0:9",
      tasks: [{ id: "t1", text: "soy milk", done: false, version: 3 }],
      deleted: [],
    });
    expect(told).toEqual([
      '"oat milk" was renamed to "soy milk" in another browser (the later change wins).',
    ]);
  });

  test("storage that takes nothing: the change is kept in the page, said, and sent once", async () => {
    const server = stubServer();
    const full = new (class extends MemoryStorage {
      override setItem(): void {
        throw new DOMException("quota", "QuotaExceededError");
      }
    })();
    const problems: unknown[] = [];
    const storage = new SafeStorage(full, (p) => problems.push(p));
    const { sync, settled } = openTab(storage);
    server.offline = true;
    sync.create("kept in the page");
    sync.create("kept in the page");
    expect(sync.unsaved()).toBe(2);
    server.offline = false;
    sync.refresh();
    await settled();
    expect(problems).toEqual(["full"]);
    expect(mutations(server.sent)).toHaveLength(2);
    expect(new Set(mutations(server.sent).map((s) => s.variables.key)).size).toBe(2);
    expect(server.tasks.map((t) => t.text)).toEqual(["kept in the page", "kept in the page"]);
  });

  test("a tab on a read-only link shows none of the changes other tabs queued", async () => {
    stubServer();
    const storage = new MemoryStorage();
    const minting = new TodoSync(
      storage,
      { changed: () => {}, status: () => {}, renamed: () => {} },
      {
        key: "(new)",
        canEdit: true,
        list: null,
      },
    );
    minting.create("typed before the list is minted");
    const view: ListAccess = { id: null, viewId: "V".repeat(22) };
    const reader = new TodoSync(
      storage,
      { changed: () => {}, status: () => {}, renamed: () => {} },
      {
        key: view.viewId ?? "",
        canEdit: false,
      },
    );
    reader.attach(view);
    expect(reader.todos()).toEqual([]);
    expect(minting.todos().map((t) => t.title)).toEqual(["typed before the list is minted"]);
  });
});
