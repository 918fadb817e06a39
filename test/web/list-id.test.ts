/**
 * Which list the app opens: a share link, else the list this browser used last, else one the server mints; a
 * stored list the server no longer knows is replaced by a new one, a link that opens no list is said to be one.
 */
import { describe, expect, test } from "vitest";
import { type Answer, ApiError } from "../../web/app/api";
import { type ListAccess, remember, resolveList, shareLinks, startOf } from "../../web/app/list-id";
import { MemoryStorage } from "./memory-storage";

const STORED = "todos-es-cqrs:list";
const minted = { id: "A".repeat(22), viewId: "V".repeat(22) } satisfies ListAccess;

/** A server that answers each operation from `answers` (by operation name), and records what it was asked. */
function server(answers: Record<string, Array<unknown | ApiError>>) {
  const asked: Array<{ op: string; variables: Record<string, unknown> }> = [];
  const api = async <T>(query: string, variables: Record<string, unknown>): Promise<Answer<T>> => {
    const op = /^(?:query|mutation) (\w+)/.exec(query)?.[1] ?? "?";
    asked.push({ op, variables });
    const next = answers[op]?.shift();
    if (next === undefined) throw new Error(`no answer left for ${op}`);
    if (next instanceof ApiError) throw next;
    return { data: next as T, token: null };
  };
  return { api, asked };
}

const notFound = () => new ApiError("permanent", "NOT_FOUND", "no list has this id");
const offline = () => new ApiError("offline", undefined, "the server could not be reached");
const noWait = async () => {};

describe("startOf", () => {
  test("a share link wins; the stored list is known when the link is its id or viewId", () => {
    const storage = new MemoryStorage();
    remember(storage, minted);
    expect(startOf("?list=other", storage)).toEqual({ kind: "open", key: "other", link: true });
    expect(startOf(`?list=${minted.viewId}`, storage)).toEqual({
      kind: "open",
      key: minted.viewId,
      link: true,
      known: minted,
    });
  });

  test("without a link: the stored list, else (or with ?new) a list to mint", () => {
    const storage = new MemoryStorage();
    expect(startOf("", storage)).toEqual({ kind: "mint" });
    remember(storage, minted);
    expect(startOf("", storage)).toEqual({ kind: "open", key: minted.id, link: false, known: minted });
    expect(startOf("?new", storage)).toEqual({ kind: "mint" });
  });

  test("a list id stored before lists were minted is opened as an edit link", () => {
    const storage = new MemoryStorage();
    storage.setItem(STORED, "old-made-up-id");
    expect(startOf("", storage)).toEqual({
      kind: "open",
      key: "old-made-up-id",
      link: false,
      known: { id: "old-made-up-id", viewId: null },
    });
  });
});

describe("resolveList", () => {
  test("mint: createList's answer is the list", async () => {
    const { api, asked } = server({ CreateList: [{ createList: minted }] });
    expect(await resolveList({ kind: "mint" }, api, noWait)).toEqual({ kind: "list", access: minted });
    expect(asked.map((a) => a.op)).toEqual(["CreateList"]);
  });

  test("offline at first start: reports each failure and tries again until the server mints the list", async () => {
    const { api, asked } = server({ CreateList: [offline(), offline(), { createList: minted }] });
    const reported: string[] = [];
    const result = await resolveList({ kind: "mint" }, api, async (e) => {
      reported.push(e.kind);
    });
    expect(result).toEqual({ kind: "list", access: minted });
    expect(reported).toEqual(["offline", "offline"]);
    expect(asked).toHaveLength(3);
  });

  test("a stored list the server knows keeps working, with what listInfo says of it", async () => {
    const { api, asked } = server({ ListInfo: [{ listInfo: { id: "old", viewId: null } }] });
    const start = { kind: "open", key: "old", link: false } as const;
    expect(await resolveList(start, api, noWait)).toEqual({
      kind: "list",
      access: { id: "old", viewId: null },
    });
    expect(asked).toEqual([{ op: "ListInfo", variables: { listId: "old" } }]);
  });

  test("a stored list the server answers NOT_FOUND for is replaced by a newly minted one", async () => {
    const { api, asked } = server({ ListInfo: [notFound()], CreateList: [{ createList: minted }] });
    const start = { kind: "open", key: "gone", link: false } as const;
    expect(await resolveList(start, api, noWait)).toEqual({ kind: "list", access: minted });
    expect(asked.map((a) => a.op)).toEqual(["ListInfo", "CreateList"]);
  });

  test("a share link the server answers NOT_FOUND for opens no list (nothing is minted)", async () => {
    const { api, asked } = server({ ListInfo: [notFound()] });
    const start = { kind: "open", key: "abc", link: true } as const;
    expect(await resolveList(start, api, noWait)).toEqual({ kind: "no-list" });
    expect(asked.map((a) => a.op)).toEqual(["ListInfo"]);
  });

  test("a read-only link: listInfo answers id null", async () => {
    const { api } = server({ ListInfo: [{ listInfo: { id: null, viewId: minted.viewId } }] });
    const start = { kind: "open", key: minted.viewId, link: true } as const;
    expect(await resolveList(start, api, noWait)).toEqual({
      kind: "list",
      access: { id: null, viewId: minted.viewId },
    });
  });
});

describe("shareLinks", () => {
  const at = { origin: "https://todo.example", hash: "#/active" };

  test("the edit link carries the id, the read-only link the viewId, each keeping the route", () => {
    expect(shareLinks(at, minted)).toEqual({
      edit: `https://todo.example/?list=${minted.id}#/active`,
      view: `https://todo.example/?list=${minted.viewId}#/active`,
    });
  });

  test("a read-only holder gets only the read-only link; a list from before minting only the edit link", () => {
    expect(shareLinks(at, { id: null, viewId: "v" })).toEqual({
      view: "https://todo.example/?list=v#/active",
    });
    expect(shareLinks(at, { id: "old", viewId: null })).toEqual({
      edit: "https://todo.example/?list=old#/active",
    });
  });
});
