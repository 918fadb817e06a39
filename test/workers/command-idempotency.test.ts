/**
 * Idempotency keys: a retried mutation with the same key returns the original result and appends nothing;
 * the same key with other arguments is refused; concurrent requests with one key append once.
 */
import { describe, expect, test } from "vitest";
import { clearFaults, injectFault, logHead, recordsOf, TASK_FIELDS } from "./support/command-support";
import { useSystem } from "./support/use-system";

const CREATE = `mutation ($text: String!, $key: String) { createTask(text: $text, idempotencyKey: $key) { ${TASK_FIELDS} } }`;
const UPDATE = `mutation ($id: String!, $text: String!, $done: Boolean!, $key: String) {
  updateTask(id: $id, text: $text, done: $done, idempotencyKey: $key) { ${TASK_FIELDS} }
}`;
const DELETE = `mutation ($id: String!, $key: String) { deleteTask(id: $id, idempotencyKey: $key) }`;

const sys = useSystem();
let n = 0;
const freshKey = () => `key-${Date.now()}-${++n}`;

describe("idempotency keys", () => {
  test("createTask: a retry with the same key returns the original task and token and appends nothing", async () => {
    const key = freshKey();
    const first = await sys().graphql(CREATE, { text: "once", key });
    expect(first.body.errors).toBeUndefined();
    const head = await logHead(sys());
    const second = await sys().graphql(CREATE, { text: "once", key });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("x-consistency-token")).toBe(first.headers.get("x-consistency-token"));
    expect(await logHead(sys())).toBe(head);
    const records = await recordsOf(sys(), first.body.data.createTask.id);
    expect(records).toHaveLength(1);
    expect(JSON.parse(records[0]?.value ?? "{}").metadata.idempotencyKey).toBe(key);
  });

  test("createTask: the same key with different arguments is BAD_USER_INPUT and appends nothing", async () => {
    const key = freshKey();
    await sys().graphql(CREATE, { text: "first", key });
    const head = await logHead(sys());
    const other = await sys().graphql(CREATE, { text: "second", key });
    expect(other.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(other.body.errors?.[0]?.message).toMatch(/already used for a different request/);
    expect(await logHead(sys())).toBe(head);
  });

  test("createTask: concurrent requests with one key append exactly one event", async () => {
    const key = freshKey();
    const head = await logHead(sys());
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => sys().graphql(CREATE, { text: "race", key })),
    );
    const ids = new Set(answers.flatMap((a) => (a.body.data?.createTask ? [a.body.data.createTask.id] : [])));
    expect(ids.size).toBe(1);
    for (const a of answers) {
      if (a.body.errors) expect(a.body.errors[0]?.extensions?.code).toBe("CONFLICT");
    }
    expect(await logHead(sys())).toBe(head + 1);
  });

  test("updateTask and deleteTask: retries with the same key change the task once", async () => {
    const created = await sys().graphql(CREATE, { text: "to change" });
    const id = created.body.data.createTask.id as string;
    const key = freshKey();
    const first = await sys().graphql(UPDATE, { id, text: "changed", done: true, key });
    expect(first.body.data.updateTask).toMatchObject({ text: "changed", done: true, version: 3 });
    const retry = await sys().graphql(UPDATE, { id, text: "changed", done: true, key });
    expect(retry.body).toEqual(first.body);
    const delKey = freshKey();
    const deleted = await sys().graphql(DELETE, { id, key: delKey });
    expect(deleted.body).toEqual({ data: { deleteTask: id } });
    // Without the key the second delete would be NOT_FOUND; with it, the original answer comes back.
    expect((await sys().graphql(DELETE, { id, key: delKey })).body).toEqual({ data: { deleteTask: id } });
    expect((await recordsOf(sys(), id)).map((r) => JSON.parse(r.value).type)).toEqual([
      "TaskCreated",
      "TaskRenamed",
      "TaskCompleted",
      "TaskDeleted",
    ]);
  });

  test("createTask: a key whose append was refused can be retried and then appends once", async () => {
    const key = freshKey();
    await injectFault(sys().env.UPSTASH_KAFKA_URL ?? "", { kind: "fail", status: 429, path: "/produce" });
    const failed = await sys().graphql(CREATE, { text: "after a failure", key });
    expect(failed.body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    await clearFaults(sys().env.UPSTASH_KAFKA_URL ?? "");
    const head = await logHead(sys());
    const retried = await sys().graphql(CREATE, { text: "after a failure", key });
    expect(retried.body.errors).toBeUndefined();
    expect(await logHead(sys())).toBe(head + 1);
  });

  test("createTask: a malformed key is BAD_USER_INPUT", async () => {
    const res = await sys().graphql(CREATE, { text: "x", key: "has spaces" });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
