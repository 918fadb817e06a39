/**
 * Deleting a list from the app: the purge names the list by its edit id, a list already purged elsewhere counts as
 * done, a failure that may pass is reported and changes nothing here, and once the list is gone this browser
 * forgets it (its copy, its outbox, the remembered list) and sends nothing more for it.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { ApiError } from "../../web/app/api";
import { type ListAccess, remember } from "../../web/app/list-id";
import { forgetList, purgeList } from "../../web/app/purge";
import { TodoSync } from "../../web/app/sync";
import { MemoryStorage } from "./memory-storage";

const list: ListAccess = { id: "E".repeat(22), viewId: "V".repeat(22) };
const other: ListAccess = { id: "O".repeat(22), viewId: "W".repeat(22) };

interface Sent {
  query: string;
  variables: Record<string, unknown>;
}

/** Stubs fetch with `answer` for every request, and records what was sent. */
function stubFetch(answer: () => Response | Promise<Response>): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
    sent.push(JSON.parse(String(init.body)) as Sent);
    return answer();
  });
  return sent;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

async function purgeFailure(): Promise<ApiError> {
  try {
    await purgeList(list.id ?? "");
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("purgeList did not fail");
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("purgeList", () => {
  test("purgeList: sends the list's edit id and resolves once the server answers", async () => {
    const sent = stubFetch(() => json({ data: { purgeList: list.id } }));
    await purgeList(list.id ?? "");
    expect(sent).toEqual([
      { query: expect.stringContaining("purgeList(listId: $listId)"), variables: { listId: list.id } },
    ]);
  });

  test("purgeList: a list that opens none any more (purged elsewhere) counts as done", async () => {
    stubFetch(() =>
      json({ data: null, errors: [{ message: "no list", extensions: { code: "NOT_FOUND" } }] }),
    );
    await expect(purgeList(list.id ?? "")).resolves.toBeUndefined();
  });

  test("purgeList: offline, a server error or a rate limit fails, with the kind that says so", async () => {
    stubFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    expect((await purgeFailure()).kind).toBe("offline");
    stubFetch(() => json({ errors: [{ message: "down", extensions: { code: "UNAVAILABLE" } }] }, 503));
    expect((await purgeFailure()).code).toBe("UNAVAILABLE");
    stubFetch(() => json({ errors: [{ message: "slow down", extensions: { code: "RATE_LIMITED" } }] }, 429));
    expect((await purgeFailure()).code).toBe("RATE_LIMITED");
  });
});

describe("forgetList", () => {
  test("forgetList: drops the list's copy and outbox (by either link) and the remembered list, not another list's", () => {
    const storage = new MemoryStorage();
    const state = JSON.stringify({
      base: [],
      ops: [{ kind: "create", id: "local:1", title: "x", key: "k" }],
      token: null,
    });
    for (const key of [list.id, list.viewId, other.id]) storage.setItem(`todos-es-cqrs:state:${key}`, state);
    remember(storage, list);

    forgetList(storage, list);

    expect(storage.getItem(`todos-es-cqrs:state:${list.id}`)).toBeNull();
    expect(storage.getItem(`todos-es-cqrs:state:${list.viewId}`)).toBeNull();
    expect(storage.getItem("todos-es-cqrs:list")).toBeNull();
    expect(storage.getItem(`todos-es-cqrs:state:${other.id}`)).toBe(state);
  });

  test("forgetList: another list remembered since stays remembered", () => {
    const storage = new MemoryStorage();
    remember(storage, other);
    forgetList(storage, list);
    expect(JSON.parse(storage.getItem("todos-es-cqrs:list") ?? "null")).toEqual(other);
  });
});

describe("TodoSync of a purged list", () => {
  function startSync(storage: Storage, gone: () => void = () => {}) {
    const sync = new TodoSync(
      storage,
      { changed: () => {}, status: () => {}, renamed: () => {}, gone },
      { key: list.id ?? "", canEdit: true },
    );
    return sync;
  }

  test("close: the outbox is dropped, nothing more is sent and nothing is written back", async () => {
    // The server never answers: the outbox stays pending until the list is closed.
    const sent = stubFetch(() => new Promise<Response>(() => {}));
    const storage = new MemoryStorage();
    const sync = startSync(storage);
    sync.attach(list);
    sync.create("typed before the purge");
    sync.create("and another");
    sync.close();
    storage.removeItem(`todos-es-cqrs:state:${list.id}`);
    sync.create("typed after");
    sync.refresh();

    expect(sync.todos()).toEqual([]);
    expect(sync.canEdit()).toBe(false);
    expect(storage.length).toBe(0);
    // What was in flight when the list closed stays the only request.
    expect(sent.length).toBeLessThanOrEqual(1);
  });

  test("a read answered NOT_FOUND (the list was purged elsewhere) says the list is gone", async () => {
    stubFetch(() =>
      json({ data: null, errors: [{ message: "no list", extensions: { code: "NOT_FOUND" } }] }),
    );
    const gone = vi.fn();
    const sync = startSync(new MemoryStorage(), gone);
    sync.attach(list);
    await vi.waitFor(() => expect(gone).toHaveBeenCalledOnce());
  });

  test("a read that fails otherwise does not take the list for gone", async () => {
    let calls = 0;
    stubFetch(() => {
      calls++;
      return json({
        data: null,
        errors: [{ message: "bad cursor", extensions: { code: "BAD_USER_INPUT" } }],
      });
    });
    const gone = vi.fn();
    const sync = startSync(new MemoryStorage(), gone);
    sync.attach(list);
    await vi.waitFor(() => expect(calls).toBe(1));
    await vi.waitFor(() => expect(sync.idle()).toBe(true));
    expect(gone).not.toHaveBeenCalled();
  });
});
