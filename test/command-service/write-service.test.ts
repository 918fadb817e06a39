/**
 * The write service specified in process: given tasks created through `createCommandApp({ deps })` over the
 * in-memory log and projection, when a mutation is sent, then what it answers and what it appends (or that it
 * appends nothing). The protocol, race and fault suites against real engines stay in test/workers/.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { refused } from "../support/graphql-answers";
import { create, created, given, read, remove, update } from "./given";

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

beforeEach(() => {
  // The worker logs each write and each failure; specifications assert the lines they mean, not print them.
  vi.spyOn(console, "log").mockImplementation(() => {});
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createTask", () => {
  it("createTask: appends TaskCreated and answers the task with its consistency token", async () => {
    const { when } = await given();

    const { answer, appended } = await when(create("buy milk"));

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      data: { createTask: { id: expect.any(String), text: "buy milk", done: false, version: 1 } },
    });
    expect(answer.token).toMatch(/^\d+:0$/);
    expect(appended).toEqual(["TaskCreated@1"]);
  });

  it("createTask: leaves one line saying the event was saved, in the one log-line shape", async () => {
    const { when } = await given();

    const { answer } = await when(create("buy milk"));

    const lines = vi.mocked(console.log).mock.calls.map(([line]) => JSON.parse(String(line)));
    const [partition, offset] = String(answer.token).split(":").map(Number);
    expect(lines.filter((line) => line.msg === "event saved")).toEqual([
      {
        level: "info",
        worker: "command",
        msg: "event saved",
        requestId: expect.any(String),
        taskId: answer.body.data.createTask.id,
        types: ["TaskCreated"],
        partition,
        offset,
      },
    ]);
  });

  it("createTask: an idempotencyKey retried answers the first task and appends nothing more", async () => {
    const { when, task } = await given(created("buy milk", "key-1"));

    const { answer, appended } = await when(create("buy milk", "key-1"));

    expect(answer.body.data.createTask).toEqual({ id: task(0), text: "buy milk", done: false, version: 1 });
    expect(appended).toEqual([]);
  });

  it("createTask: an idempotencyKey reused for other arguments is BAD_USER_INPUT and appends nothing", async () => {
    const { when } = await given(created("buy milk", "key-1"));

    const { answer, appended } = await when(create("buy bread", "key-1"));

    expect(answer.body).toEqual(
      refused("createTask", "BAD_USER_INPUT", "this idempotencyKey was already used for a different request"),
    );
    expect(appended).toEqual([]);
  });

  it("createTask: a refused append is UNAVAILABLE, changed nothing, and a retry with its key creates the task", async () => {
    const { when, world } = await given();
    world.log.fail("append", "refuse", 1);

    const first = await when(create("buy milk", "key-1"));
    const retry = await when(create("buy milk", "key-1"));

    expect(first.answer.body).toEqual(
      refused(
        "createTask",
        "UNAVAILABLE",
        "a backing service is unavailable (kafka); nothing was changed by this request, retry later",
        { service: "kafka" },
      ),
    );
    expect(first.appended).toEqual([]);
    expect(retry.appended).toEqual(["TaskCreated@1"]);
  });

  it("createTask: an append with no answer may have been recorded; once projected, a retry with its key answers that task", async () => {
    const { when, world } = await given();
    world.log.fail("append", "timeout", 1);

    const first = await when(create("buy milk", "key-1"));
    await world.catchUp();
    const retry = await when(create("buy milk", "key-1"));

    expect(first.answer.body).toEqual(
      refused(
        "createTask",
        "UNAVAILABLE",
        "kafka did not answer within 5000 ms; the write may or may not have been recorded, so read before retrying",
        { service: "kafka" },
      ),
    );
    expect(first.appended).toEqual(["TaskCreated@1"]);
    expect(retry.answer.body.data.createTask).toMatchObject({ text: "buy milk", version: 1 });
    expect(retry.appended).toEqual([]);
  });
});

describe("updateTask", () => {
  it("updateTask: renames and completes a task, deciding on the create's committed state", async () => {
    const { when, task } = await given(created("buy milk"));

    const { answer, appended } = await when(update(task(0), "buy oat milk", true));

    expect(answer.body).toEqual({
      data: { updateTask: { id: task(0), text: "buy oat milk", done: true, version: 3 } },
    });
    expect(appended).toEqual(["TaskRenamed@2", "TaskCompleted@3"]);
  });

  it("updateTask: the same text and state appends nothing and answers the task as it is", async () => {
    const { when, task } = await given(created("buy milk"));

    const { answer, appended } = await when(update(task(0), "buy milk", false));

    expect(answer.body.data.updateTask).toEqual({ id: task(0), text: "buy milk", done: false, version: 1 });
    expect(appended).toEqual([]);
  });

  it("updateTask: a stale expectedVersion is CONFLICT naming the field, and appends nothing", async () => {
    const { when, task } = await given(created("buy milk"), async (w) => {
      await w.send(update(w.created[0]?.id ?? "", "buy oat milk", false));
    });

    const { answer, appended } = await when(update(task(0), "buy soy milk", false, { expectedVersion: 1 }));

    expect(answer.body).toEqual(
      refused("updateTask", "CONFLICT", `task ${task(0)} is at version 2, not the expected version 1`, {
        field: "expectedVersion",
      }),
    );
    expect(appended).toEqual([]);
  });

  it("updateTask: an unknown task is NOT_FOUND naming the field, and appends nothing", async () => {
    const { when } = await given();

    const { answer, appended } = await when(update(UNKNOWN_ID, "x", false));

    expect(answer.body).toEqual(
      refused("updateTask", "NOT_FOUND", `task ${UNKNOWN_ID} does not exist`, { field: "taskId" }),
    );
    expect(appended).toEqual([]);
  });

  it("updateTask: an id that is not a task id is BAD_USER_INPUT in the one wording", async () => {
    const { when } = await given();

    const { answer, appended } = await when(update("not-a-uuid", "x", false));

    expect(answer.body).toEqual(
      refused("updateTask", "BAD_USER_INPUT", "id must be a task id (a lowercase UUID)"),
    );
    expect(appended).toEqual([]);
  });
});

describe("deleteTask", () => {
  it("deleteTask: appends TaskDeleted and answers the id; the task then reads as null", async () => {
    const { when, task } = await given(created("buy milk"));

    const { answer, appended, world } = await when(remove(task(0)));
    const after = await world.send(read(task(0), answer.token));

    expect(answer.body).toEqual({ data: { deleteTask: task(0) } });
    expect(appended).toEqual(["TaskDeleted@2"]);
    expect(after.body).toEqual({ data: { task: null } });
  });

  it("deleteTask: a deleted task is NOT_FOUND, and nothing more is appended", async () => {
    const { when, task } = await given(created("buy milk"), async (w) => {
      await w.send(remove(w.created[0]?.id ?? ""));
    });

    const { answer, appended } = await when(remove(task(0)));

    expect(answer.body).toEqual(
      refused("deleteTask", "NOT_FOUND", `task ${task(0)} has been deleted`, { field: "taskId" }),
    );
    expect(appended).toEqual([]);
  });
});

describe("reads after writes", () => {
  it("task: with a mutation's token, reads the mutation's result", async () => {
    const { when, task, world } = await given(created("buy milk"));
    const renamed = await world.send(update(task(0), "buy oat milk", false));

    const { answer } = await when(read(task(0), renamed.token));

    expect(answer.body).toEqual({
      data: { task: { id: task(0), text: "buy oat milk", done: false, version: 2 } },
    });
  });
});
