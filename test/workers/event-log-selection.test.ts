/**
 * The backend selected by EVENT_LOG carries the whole system: the original article's four operations, sent
 * verbatim, work on it, and only it receives appends. Runs once per backend (see vitest.config.ts).
 */
import { describe, expect, it } from "vitest";
import { useSystem } from "./support/use-system";

const sys = useSystem();

async function produceRequests(): Promise<number> {
  const res = await fetch(`${sys().stack.kafka.url}/__emulator/stats`);
  const body = (await res.json()) as { requests: Record<string, number> };
  return Object.entries(body.requests)
    .filter(([endpoint]) => endpoint.includes("/produce"))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("gave up waiting");
}

describe("event log selection", () => {
  it("walkthrough: the original's four operations work on the selected log, and only it is appended to", async () => {
    const created = await sys().graphql('mutation { createTask(text: "Do the dishes!") { id text done } }');
    expect(created.body.errors).toBeUndefined();
    const task = created.body.data.createTask as { id: string; text: string; done: boolean };
    expect(task).toMatchObject({ text: "Do the dishes!", done: false });

    const listed = await eventually(async () => {
      const res = await sys().graphql("query { list { id text done } }");
      const list = res.body.data?.list as Array<{ id: string }> | undefined;
      return list?.some((t) => t.id === task.id) ? list : undefined;
    });
    expect(listed).toContainEqual({ id: task.id, text: "Do the dishes!", done: false });

    const updated = await sys().graphql(
      `mutation { updateTask(id: "${task.id}", text: "Do the dishes!", done: true) { id text done } }`,
    );
    expect(updated.body).toEqual({
      data: { updateTask: { id: task.id, text: "Do the dishes!", done: true } },
    });

    const deleted = await sys().graphql(`mutation { deleteTask(id: "${task.id}") }`);
    expect(deleted.body).toEqual({ data: { deleteTask: task.id } });

    const log = sys().log();
    const records = (await log.read(0, 0, { limit: 100 })).filter((r) => r.key === task.id);
    expect(records.map((r) => JSON.parse(r.value).type)).toEqual([
      "TaskCreated",
      "TaskCompleted",
      "TaskDeleted",
    ]);
    if (sys().eventLog === "upstash-kafka") expect(await produceRequests()).toBeGreaterThan(0);
    else expect(await produceRequests()).toBe(0);
  });
});
