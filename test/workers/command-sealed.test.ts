/**
 * A named list's words at rest, against the real workers in workerd over a real redis-server: after a list is
 * created with a title, a task created on it and renamed, and the projection has folded it all, neither the title
 * nor either text is in any log record, in any Redis value, or in any file under the stack's state directory (Redis'
 * append-only files and the emulators' logs included), while a default-list task's text is, in each of them.
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { TestSystem } from "../support/system";
import { createTask, eventually, readLog } from "./support/command-support";
import { useSystem } from "./support/use-system";

// No grace period: a rebuild's old namespace is deleted by the next cron.
const sys = useSystem({ bindings: { REBUILD_GRACE_SECONDS: "0" } });
const run = promisify(execFile);

const TITLE = "Xylophone quarterly plans";
const FIRST = "tell nobody about the walrus";
const SECOND = "the walrus knows about the zeppelin";
const CLEAR = "a default list task in the open";

const CREATE_LIST = "mutation ($title: String) { createList(title: $title) { id viewId title } }";
const CREATE_ON = `mutation ($text: String!, $listId: String) { createTask(text: $text, listId: $listId) { id text } }`;
const UPDATE_ON = `mutation ($id: String!, $text: String!, $listId: String) {
  updateTask(id: $id, text: $text, done: false, listId: $listId) { id text } }`;
const READ = `query ($id: String!, $listId: String!, $after: String) {
  task(id: $id, listId: $listId, after: $after) { text } history(id: $id, listId: $listId) { text }
  listInfo(listId: $listId) { title } }`;

/** Every value in the Redis server, read with redis-cli key by key by type. */
async function redisValues(s: TestSystem): Promise<string> {
  const cli = async (...args: string[]) =>
    (await run("redis-cli", ["-p", String(s.stack.redisServer.port), ...args])).stdout;
  const keys = (await cli("--scan")).split("\n").filter((k) => k !== "");
  const values: string[] = [];
  for (const key of keys) {
    const type = (await cli("TYPE", key)).trim();
    const read: Record<string, string[]> = {
      string: ["GET", key],
      hash: ["HGETALL", key],
      list: ["LRANGE", key, "0", "-1"],
      set: ["SMEMBERS", key],
      zset: ["ZRANGE", key, "0", "-1"],
      stream: ["XRANGE", key, "-", "+"],
    };
    const command = read[type];
    if (command) values.push(key, await cli(...command));
  }
  return values.join("\n");
}

/** The text of every file under `dir`, recursively (bytes as latin1, so nothing is lost to decoding). */
async function filesUnder(dir: string): Promise<string> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(await filesUnder(path));
    else if (entry.isFile()) out.push((await readFile(path)).toString("latin1"));
  }
  return out.join("\n");
}

describe("sealed lists at rest", () => {
  it("createList, createTask, updateTask: no title or text of a named list in the log, in Redis or in any file", async () => {
    const list = (await sys().graphql(CREATE_LIST, { title: TITLE })).body.data.createList;
    expect(list.title).toBe(TITLE);
    const created = await sys().graphql(CREATE_ON, { text: FIRST, listId: list.id });
    expect(created.body.data.createTask.text).toBe(FIRST);
    const id = created.body.data.createTask.id;
    const renamed = await sys().graphql(UPDATE_ON, { id, text: SECOND, listId: list.id });
    expect(renamed.body.data.updateTask.text).toBe(SECOND);
    const clear = await createTask(sys(), CLEAR);
    const after = renamed.headers.get("x-consistency-token");

    // Fields resolve concurrently: wait for the rename to be projected first, then read every field.
    await sys().graphql("query ($l: String!, $after: String) { list(listId: $l, after: $after) { id } }", {
      l: list.viewId,
      after,
    });
    const read = await sys().graphql(READ, { id, listId: list.viewId });
    expect(read.body).toEqual({
      data: {
        task: { text: SECOND },
        history: [{ text: FIRST }, { text: SECOND }],
        listInfo: { title: TITLE },
      },
    });
    // The default list's task is projected too, so every store below holds it (the control).
    await sys().graphql("query ($after: String) { list(after: $after) { id } }", { after: clear.token });

    const log = (await readLog(sys())).map((r) => r.value).join("\n");
    const redis = await redisValues(sys());
    const files = await filesUnder(sys().stack.config.stateDir);
    for (const [where, stored] of [
      ["log", log],
      ["redis", redis],
      ["files", files],
    ] as const) {
      expect(stored, where).toContain(CLEAR);
      for (const words of [TITLE, FIRST, SECOND, "walrus", "Xylophone", "zeppelin"]) {
        expect(stored.includes(words), `${where} holds "${words}"`).toBe(false);
      }
    }
  });
});

const PURGE = "mutation ($listId: String!) { purgeList(listId: $listId) }";
const DELETE_ON = "mutation ($id: String!, $listId: String) { deleteTask(id: $id, listId: $listId) }";

/** Asks the projector (as its admin) for its status, or to rebuild. */
async function admin(path: string, method = "GET") {
  const res = await fetch(`${sys().projectorUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${sys().env.ADMIN_TOKEN ?? ""}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function redisCli(...args: string[]): Promise<string> {
  return (await run("redis-cli", ["-p", String(sys().stack.redisServer.port), ...args])).stdout.trim();
}

describe("purgeList against the workers", () => {
  it("purgeList: the key is destroyed, the list and its tasks answer NOT_FOUND and leave Redis; a rebuild after it folds them into nothing and does not stop", async () => {
    const list = (await sys().graphql(CREATE_LIST, { title: TITLE })).body.data.createList;
    const kept = (await sys().graphql(CREATE_ON, { text: FIRST, listId: list.id })).body.data.createTask.id;
    const gone = (await sys().graphql(CREATE_ON, { text: SECOND, listId: list.id })).body.data.createTask.id;
    expect((await sys().graphql(DELETE_ON, { id: gone, listId: list.id })).body.errors).toBeUndefined();
    const clear = await createTask(sys(), CLEAR);
    const prefix = sys().env.PROJECTION_PREFIX ?? "";
    expect(await redisCli("HGET", `${prefix}:list-meta:${list.id}`, "key")).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await sys().graphql(PURGE, { listId: list.viewId })).body.errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    const purged = await sys().graphql(PURGE, { listId: list.id });
    expect(purged.body).toEqual({ data: { purgeList: list.id } });

    expect(await redisCli("HGETALL", `${prefix}:list-meta:${list.id}`)).toBe("purged\n1");
    for (const capability of [list.id, list.viewId]) {
      const res = await sys().graphql(READ, { id: kept, listId: capability });
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
    const live = async () => String((await admin("/status")).body.namespace ?? prefix);
    const held = async (namespace: string) => {
      const out: string[] = [];
      for (const id of [kept, gone]) {
        out.push(await redisCli("HEXISTS", `${namespace}:state`, id));
        out.push(await redisCli("EXISTS", `${namespace}:history:${id}`));
      }
      out.push(
        await redisCli("EXISTS", `${namespace}:list:${list.id}`, `${namespace}:list-tasks:${list.id}`),
      );
      return out;
    };
    expect(await held(await live())).toEqual(["0", "0", "0", "0", "0"]);

    const before = await live();
    expect((await admin("/rebuild", "POST")).status).toBe(202);
    const rebuilt = await eventually(
      async () => {
        // The cron carries the rebuild's fold on (as it does the live one's).
        await sys().cron();
        const s = (await admin("/status")).body;
        const last = s.lastRebuild as { state?: string; namespace?: string } | null;
        const switched = s.rebuild === null && last?.state === "switched" && s.namespace === last.namespace;
        return switched ? s : undefined;
      },
      "the rebuild to switch",
      60_000,
    );
    expect(rebuilt.namespace).not.toBe(before);
    // Every event folded, none dead-lettered, no partition stopped.
    expect(rebuilt).toMatchObject({ lag: 0, deadLettered: 0 });
    expect(JSON.stringify(rebuilt.partitions)).not.toContain("stop");
    expect(await held(String(rebuilt.namespace))).toEqual(["0", "0", "0", "0", "0"]);
    // The command worker may read the old namespace for a moment after the switch (its pointer cache).
    await eventually(
      async () => {
        const res = await sys().graphql("query ($id: String!) { task(id: $id) { text } }", {
          id: clear.task.id,
        });
        return res.body.data?.task?.text === CLEAR ? res : undefined;
      },
      "the default list's task on the rebuilt namespace",
      30_000,
    );
    expect(
      (await sys().graphql(READ, { id: kept, listId: list.id })).body.errors?.[0]?.extensions?.code,
    ).toBe("NOT_FOUND");

    // The old namespace's clean-up takes the per-list task sets and the set of purged lists with the rest.
    await eventually(
      async () => {
        await sys().cron();
        const s = (await admin("/status")).body;
        return Array.isArray(s.retiring) && s.retiring.length === 0 ? s : undefined;
      },
      "the old namespace to be cleaned up",
      60_000,
    );
    expect(await redisCli("--scan", "--pattern", `${before}:list-tasks:*`)).toBe("");
    expect(await redisCli("EXISTS", `${before}:purged`)).toBe("0");
  });
});
