/**
 * The poke to the projector is off the response path: a failing QStash publish never fails a mutation, the
 * cron projects what the lost poke did not, and a task can be changed right after it was written even then (its
 * writer recorded the write it committed). A write that needs the projection waits for it, bounded.
 */
import { expect, it } from "vitest";
import {
  clearFaults,
  clearFaultsAfterEach,
  createTask,
  DELETE,
  eventually,
  faultsUsedUp,
  historyOf,
  ISO,
  injectFault,
  LIST,
  recordsOf,
  TASK,
  type TaskView,
  UPDATE,
} from "./support/command-support";
import { systemProjector } from "./support/guarantees-support";
import { newTaskId, produceEvents, taskLife } from "./support/projector-model";
import { useSystem } from "./support/use-system";

const PROJECTION = "{ projection { partitions { partition checkpoint head lag } } }";

const sys = useSystem();
const qstashUrl = () => sys().stack.qstash.url;
clearFaultsAfterEach(qstashUrl);

/** Makes the next QStash request fail (503), and later waits until the worker's poke has run into it. */
async function failNextPoke(): Promise<{ used: () => Promise<void> }> {
  await injectFault(qstashUrl(), { kind: "fail", count: 1 });
  return { used: () => faultsUsedUp(qstashUrl()) };
}

async function loggedTypes(id: string): Promise<string[]> {
  return (await recordsOf(sys(), id)).map((r) => JSON.parse(r.value).type);
}

it("createTask: a failing poke does not fail the mutation; the event is logged and the cron projects it", async () => {
  const poke = await failNextPoke();

  const { task, token } = await createTask(sys(), "Poke lost");

  expect(task).toMatchObject({ text: "Poke lost", done: false, version: 1 });
  await poke.used();
  expect(await loggedTypes(task.id)).toEqual(["TaskCreated"]);
  // Nothing else will deliver a poke: once QStash is idle, the projection is still short of the event.
  await sys().stack.qstash.idle();
  const before = await sys().graphql(PROJECTION);
  expect(before.body.data.projection.partitions[0].checkpoint).toBeLessThanOrEqual(
    Number(token.split(":")[1]),
  );
  expect((await sys().graphql(TASK, { id: task.id })).body).toEqual({ data: { task: null } });

  await sys().cron();

  expect((await sys().graphql(TASK, { id: task.id })).body).toEqual({ data: { task } });
  // The projection's status is read at most once every few seconds per isolate: the read above may be answered again.
  await eventually(async () => {
    const lag = (await sys().graphql(PROJECTION)).body.data.projection.partitions[0].lag;
    return lag === 0 ? lag : undefined;
  }, "the projection's status to show no lag");
});

it("updateTask: right after createTask, with no wait in between, updates the task", async () => {
  const { task } = await createTask(sys(), "Quick");

  const res = await sys().graphql(UPDATE, { id: task.id, text: "Quick, renamed", done: true });

  expect(res.body).toEqual({
    data: {
      updateTask: {
        ...task,
        text: "Quick, renamed",
        done: true,
        version: 3,
        updatedAt: expect.stringMatching(ISO),
      },
    },
  });
});

it("deleteTask: right after createTask, with no wait in between, deletes the task", async () => {
  const { task } = await createTask(sys(), "Quick delete");

  const res = await sys().graphql(DELETE, { id: task.id });

  expect(res.body).toEqual({ data: { deleteTask: task.id } });
});

it("updateTask: right after a createTask whose poke failed, still updates the task", async () => {
  const poke = await failNextPoke();
  const { task } = await createTask(sys(), "Poke lost, then updated");
  await poke.used();

  const res = await sys().graphql(UPDATE, { id: task.id, text: "Updated without the cron", done: false });

  expect(res.body).toEqual({
    data: {
      updateTask: {
        ...task,
        text: "Updated without the cron",
        version: 2,
        updatedAt: expect.stringMatching(ISO),
      },
    },
  });
  const token = res.headers.get("x-consistency-token");
  const list = await sys().graphql(LIST, { after: token });
  expect((list.body.data.list as TaskView[]).filter((t) => t.id === task.id)).toEqual([
    res.body.data.updateTask,
  ]);
  expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskRenamed"]);
});

it("updateTask: right after an updateTask whose poke failed, still updates the task", async () => {
  const { task } = await createTask(sys(), "Second poke lost");
  await historyOf(sys(), task.id, 1);
  const poke = await failNextPoke();
  const first = await sys().graphql(UPDATE, { id: task.id, text: "Second poke lost", done: true });
  expect(first.body.errors).toBeUndefined();
  await poke.used();

  const res = await sys().graphql(UPDATE, { id: task.id, text: "Second poke lost", done: false });

  expect(res.body).toEqual({
    data: { updateTask: { ...task, version: 3, updatedAt: expect.stringMatching(ISO) } },
  });
  expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskCompleted", "TaskReopened"]);
});

it("deleteTask: right after a createTask whose poke failed, still deletes the task", async () => {
  const poke = await failNextPoke();
  const { task } = await createTask(sys(), "Poke lost, then deleted");
  await poke.used();

  const res = await sys().graphql(DELETE, { id: task.id });

  expect(res.body).toEqual({ data: { deleteTask: task.id } });
  const token = res.headers.get("x-consistency-token");
  expect((await sys().graphql(TASK, { id: task.id, after: token })).body).toEqual({ data: { task: null } });
});

it("updateTask: of a task whose create no writer committed, when no poke reaches the projector, is UNAVAILABLE after a bounded wait and appends nothing", async () => {
  // Appended straight to the log, as by a command worker that died before it recorded the commit: only the
  // projection can tell this write the task's state. Every nudge of the waiting write fails: only the cron can
  // project now.
  const task = { id: newTaskId() };
  await produceEvents(systemProjector(sys()), taskLife(task.id, 0));
  await injectFault(qstashUrl(), { kind: "fail", count: 20 });

  const res = await sys().graphql(UPDATE, { id: task.id, text: "Projector unreachable", done: true });

  expect(res.body).toEqual({
    data: { updateTask: null },
    errors: [
      {
        message:
          "the projection is behind the log on partition 0 after waiting 3000 ms; nothing was changed by this request, retry shortly",
        locations: [{ line: 2, column: 3 }],
        path: ["updateTask"],
        extensions: { code: "UNAVAILABLE", service: "projector" },
      },
    ],
  });
  expect(await loggedTypes(task.id)).toEqual(["TaskCreated"]);
  await clearFaults(qstashUrl());
  await sys().cron();
  const retry = await sys().graphql(UPDATE, { id: task.id, text: "Projector unreachable", done: true });
  expect(retry.body.data.updateTask).toMatchObject({ done: true, version: 3 });
});
