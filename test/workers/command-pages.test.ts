/**
 * Bounded pages against the real workers: `list` answers 100 tasks unless asked for more, 500 at most, and
 * offset/limit page through the rest as they always did; `tasks(first, cursor)` pages by an opaque cursor that
 * names a place in the list, so deleting tasks already read does not shift the next page; `history` pages with
 * offset/limit. 105 tasks on the default list of this file's own system.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DELETE, UPDATE } from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const TASKS = 105;
let ids: string[] = [];
let token = "";

const PAGE = `query ($first: Int, $cursor: String, $after: String) {
  tasks(first: $first, cursor: $cursor, after: $after) { tasks { id } nextCursor }
}`;

async function page(first: number, cursor: string | null, after?: string) {
  const res = await sys().graphql(PAGE, { first, cursor, after });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.tasks as { tasks: Array<{ id: string }>; nextCursor: string | null };
}

async function listIds(args: string, after = token): Promise<string[]> {
  const res = await sys().graphql(`query ($after: String) { list(${args} after: $after) { id } }`, { after });
  expect(res.body.errors).toBeUndefined();
  return (res.body.data.list as Array<{ id: string }>).map((t) => t.id);
}

beforeAll(async () => {
  // Five creates a request, the most one request may hold.
  for (let n = 0; n < TASKS; n += 5) {
    const creates = Array.from({ length: 5 }, (_, i) => `c${i}: createTask(text: "task ${n + i}") { id }`);
    const res = await sys().graphql(`mutation { ${creates.join(" ")} }`);
    expect(res.body.errors).toBeUndefined();
    ids.push(...Array.from({ length: 5 }, (_, i) => res.body.data[`c${i}`].id as string));
    token = res.headers.get("x-consistency-token") ?? "";
  }
});

describe("list", () => {
  it("list: without a limit answers the first 100 tasks; offset and limit (at most 500) read the rest", async () => {
    expect(await listIds("")).toEqual(ids.slice(0, 100));
    expect(await listIds("offset: 100, limit: 500,")).toEqual(ids.slice(100));
    expect(await listIds("limit: 500,")).toEqual(ids);

    const refused = await sys().graphql("{ list(limit: 501) { id } }");
    expect(refused.body).toEqual({
      data: { list: null },
      errors: [
        expect.objectContaining({
          message: "limit must be from 1 to 500",
          extensions: { code: "BAD_USER_INPUT" },
        }),
      ],
    });
  });
});

describe("tasks", () => {
  it("tasks: pages of `first` by cursor read the whole list once, in order, and the last page has no cursor", async () => {
    const first = await page(40, null, token);
    const second = await page(40, first.nextCursor);
    const third = await page(40, second.nextCursor);

    expect([first, second, third].map((p) => p.tasks.length)).toEqual([40, 40, 25]);
    expect([...first.tasks, ...second.tasks, ...third.tasks].map((t) => t.id)).toEqual(ids);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(third.nextCursor).toBeNull();
    expect((await page(100, null)).tasks).toHaveLength(100);
  });

  it("tasks: deleting tasks of a page already read does not shift the next page, not even its cursor's own task", async () => {
    const first = await page(10, null, token);
    const expected = await page(10, first.nextCursor);
    let deleted = "";
    for (const task of first.tasks.slice(-3)) {
      const res = await sys().graphql(DELETE, { id: task.id });
      expect(res.body.errors).toBeUndefined();
      deleted = res.headers.get("x-consistency-token") ?? "";
    }
    ids = ids.filter((id) => !first.tasks.slice(-3).some((t) => t.id === id));

    const next = await page(10, first.nextCursor, deleted);

    expect(next.tasks).toEqual(expected.tasks);
    expect((await page(10, null)).tasks.map((t) => t.id)).toEqual(ids.slice(0, 10));
  });
});

describe("history", () => {
  it("history: offset and limit page through a task's events; 100 by default, 500 at most", async () => {
    const id = ids[0] ?? "";
    let after = "";
    for (const [text, done] of [
      ["one", true],
      ["two", false],
      ["three", true],
    ] as const) {
      const res = await sys().graphql(UPDATE, { id, text, done });
      expect(res.body.errors).toBeUndefined();
      after = res.headers.get("x-consistency-token") ?? "";
    }
    const types = async (args: string) => {
      const res = await sys().graphql(
        `query ($id: String!, $after: String) { history(id: $id, after: $after${args}) { type } }`,
        { id, after },
      );
      expect(res.body.errors).toBeUndefined();
      return (res.body.data.history as Array<{ type: string }>).map((e) => e.type);
    };

    expect(await types("")).toEqual([
      "TaskCreated",
      "TaskRenamed",
      "TaskCompleted",
      "TaskRenamed",
      "TaskReopened",
      "TaskRenamed",
      "TaskCompleted",
    ]);
    expect(await types(", limit: 2")).toEqual(["TaskCreated", "TaskRenamed"]);
    expect(await types(", offset: 2, limit: 3")).toEqual(["TaskCompleted", "TaskRenamed", "TaskReopened"]);
    const refused = await sys().graphql(`{ history(id: "${id}", limit: 501) { type } }`);
    expect(refused.body.errors?.[0]?.message).toBe("limit must be from 1 to 500");
  });
});
