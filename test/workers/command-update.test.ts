/**
 * The command worker's updateTask: only what changed becomes events (checked in the Kafka log itself and in the
 * projected history), no change appends nothing, and expectedVersion guards against lost updates.
 */
import { expect, it } from "vitest";
import {
  createTask,
  historyOf,
  ISO,
  logHead,
  recordsOf,
  TASK,
  type TaskView,
  UPDATE,
  UUID,
} from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

/** Runs updateTask and expects it to succeed; answers the task and the response's consistency token. */
async function update(
  vars: { id: string; text: string; done: boolean; expectedVersion?: number },
  headers: Record<string, string> = {},
): Promise<{ task: TaskView; token: string | null }> {
  const res = await sys().graphql(UPDATE, vars, headers);
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  return { task: res.body.data.updateTask as TaskView, token: res.headers.get("x-consistency-token") };
}

/** The event types of a task in the log, in order. */
async function loggedTypes(id: string): Promise<string[]> {
  return (await recordsOf(sys(), id)).map((r) => JSON.parse(r.value).type);
}

/** The event types of a task's projected history, once it holds `count` events. */
async function historyTypes(id: string, count: number): Promise<unknown[]> {
  return (await historyOf(sys(), id, count)).map((e) => e.type);
}

it("updateTask: a rename only appends one TaskRenamed", async () => {
  const { task } = await createTask(sys(), "Draft");

  const { task: updated, token } = await update(
    { id: task.id, text: "Final", done: false },
    { "x-request-id": "req-rename-1" },
  );

  expect(updated).toEqual({
    ...task,
    text: "Final",
    version: 2,
    updatedAt: expect.stringMatching(ISO),
  });
  const records = await recordsOf(sys(), task.id);
  expect(records.map((r) => r.key)).toEqual([task.id, task.id]);
  expect(JSON.parse(records[1]?.value ?? "")).toEqual({
    eventId: expect.stringMatching(UUID),
    type: "TaskRenamed",
    schemaVersion: 1,
    taskId: task.id,
    version: 2,
    occurredAt: updated.updatedAt,
    data: { text: "Final" },
    metadata: { requestId: "req-rename-1" },
  });
  expect(`${records[1]?.partition}:${records[1]?.offset}`).toBe(token);
  expect(await historyTypes(task.id, 2)).toEqual(["TaskCreated", "TaskRenamed"]);
});

it("updateTask: done only appends TaskCompleted, and undone only TaskReopened", async () => {
  const { task } = await createTask(sys(), "Toggle me");

  const completed = await update({ id: task.id, text: "Toggle me", done: true });
  const reopened = await update({ id: task.id, text: "Toggle me", done: false });

  expect(completed.task).toEqual({ ...task, done: true, version: 2, updatedAt: expect.stringMatching(ISO) });
  expect(reopened.task).toEqual({ ...task, done: false, version: 3, updatedAt: expect.stringMatching(ISO) });
  expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskCompleted", "TaskReopened"]);
  expect(await historyTypes(task.id, 3)).toEqual(["TaskCreated", "TaskCompleted", "TaskReopened"]);
  const completion = JSON.parse((await recordsOf(sys(), task.id))[1]?.value ?? "");
  expect(completion.data).toEqual({});
});

it("updateTask: renaming and completing at once appends two events, the rename first", async () => {
  const { task } = await createTask(sys(), "Both");

  const { task: updated, token } = await update({ id: task.id, text: "Both, done", done: true });

  expect(updated).toEqual({
    ...task,
    text: "Both, done",
    done: true,
    version: 3,
    updatedAt: expect.stringMatching(ISO),
  });
  const records = await recordsOf(sys(), task.id);
  expect(records.map((r) => [JSON.parse(r.value).type, JSON.parse(r.value).version])).toEqual([
    ["TaskCreated", 1],
    ["TaskRenamed", 2],
    ["TaskCompleted", 3],
  ]);
  // The token names the command's last event, so reading after it sees both.
  expect(`${records[2]?.partition}:${records[2]?.offset}`).toBe(token);
  expect((await sys().graphql(TASK, { id: task.id, after: token })).body).toEqual({
    data: { task: updated },
  });
  expect(await historyTypes(task.id, 3)).toEqual(["TaskCreated", "TaskRenamed", "TaskCompleted"]);
});

it("updateTask: an update that changes nothing appends nothing and answers the task as it is", async () => {
  const { task, token } = await createTask(sys(), "Unchanged");
  const head = await logHead(sys());

  const res = await sys().graphql(UPDATE, { id: task.id, text: "Unchanged", done: false });

  expect(res.status).toBe(200);
  expect(res.body).toEqual({ data: { updateTask: task } });
  expect(res.headers.get("x-consistency-token")).toBeNull();
  expect(await logHead(sys())).toBe(head);
  expect(await loggedTypes(task.id)).toEqual(["TaskCreated"]);
  expect((await sys().graphql(TASK, { id: task.id, after: token })).body).toEqual({ data: { task } });
});

it("updateTask: a matching expectedVersion applies the update", async () => {
  const { task } = await createTask(sys(), "Versioned");

  const { task: updated } = await update({
    id: task.id,
    text: "Versioned v2",
    done: false,
    expectedVersion: 1,
  });

  expect(updated).toEqual({
    ...task,
    text: "Versioned v2",
    version: 2,
    updatedAt: expect.stringMatching(ISO),
  });
  expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskRenamed"]);
});

it("updateTask: a stale expectedVersion is CONFLICT and appends nothing", async () => {
  const { task } = await createTask(sys(), "Raced");
  await update({ id: task.id, text: "Raced, first writer", done: false, expectedVersion: 1 });
  const head = await logHead(sys());

  const res = await sys().graphql(UPDATE, {
    id: task.id,
    text: "Raced, second writer",
    done: true,
    expectedVersion: 1,
  });

  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    data: { updateTask: null },
    errors: [
      {
        message: `task ${task.id} is at version 2, not the expected version 1`,
        locations: [{ line: 2, column: 3 }],
        path: ["updateTask"],
        extensions: { code: "CONFLICT", field: "expectedVersion" },
      },
    ],
  });
  expect(res.headers.get("x-consistency-token")).toBeNull();
  expect(await logHead(sys())).toBe(head);
  expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskRenamed"]);
});
