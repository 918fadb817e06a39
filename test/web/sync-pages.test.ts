/**
 * The app reads its list page by page: the server answers at most 500 tasks per page, so a list of 1,200 takes
 * three requests, each after the cursor the one before answered, and only the first waits for the token. The
 * server is a stubbed fetch; the app's own code runs as it does in the browser.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TodoSync } from "../../web/app/sync";

afterEach(() => {
  vi.unstubAllGlobals();
});

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe("TodoSync", () => {
  it("refresh: a list longer than a page is read page by page, the token on the first page only", async () => {
    const all = Array.from({ length: 1200 }, (_, i) => ({ id: `t${i}`, text: `todo ${i}`, done: false }));
    const asked: Array<Record<string, unknown>> = [];
    vi.stubGlobal("fetch", async (_url: string, init: { body: string }) => {
      const { variables } = JSON.parse(init.body) as { variables: Record<string, unknown> };
      asked.push(variables);
      const from = typeof variables.cursor === "string" ? Number(variables.cursor) : 0;
      const tasks = all.slice(from, from + 500);
      const nextCursor = from + 500 < all.length ? String(from + 500) : null;
      return new Response(JSON.stringify({ data: { tasks: { tasks, nextCursor } } }));
    });
    const storage = new MemoryStorage();
    storage.setItem("todos-es-cqrs:state:home", JSON.stringify({ base: [], ops: [], token: "0:41" }));
    let saved!: () => void;
    const done = new Promise<void>((resolve) => {
      saved = resolve;
    });
    const sync = new TodoSync(
      storage as unknown as Storage,
      {
        changed: () => {},
        renamed: () => {},
        status: (s) => {
          if (s.state === "saved") saved();
        },
      },
      { key: "home", canEdit: true },
    );
    sync.attach({ id: "home", viewId: "home-view" });

    await done;

    expect(asked).toEqual([
      { listId: "home", after: "0:41", cursor: null },
      { listId: "home", after: null, cursor: "500" },
      { listId: "home", after: null, cursor: "1000" },
    ]);
    expect(sync.todos()).toHaveLength(1200);
    expect(sync.todos()[1199]).toEqual({ id: "t1199", title: "todo 1199", completed: false });
  });
});
