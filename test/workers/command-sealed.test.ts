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
import { createTask, readLog } from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
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

    const read = await sys().graphql(READ, { id, listId: list.viewId, after });
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
