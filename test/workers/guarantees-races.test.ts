/**
 * Racing writers through GraphQL (docs/architecture.md#deciding-racing-writers): concurrent updates of one task, with and without
 * expectedVersion, concurrent deletes, and updates racing or following a delete. Racing writers are decided
 * before the append, so every appended event follows its task's version: the log holds contiguous versions,
 * the fold applies every appended event (none is rejected), and a deleted task never comes back.
 */
import { describe, expect, it } from "vitest";
import {
  createTask,
  DELETE,
  historyOf,
  LIST,
  recordsOf,
  TASK,
  type TaskView,
  UPDATE,
} from "./support/command-support";
import { converge, outcome, systemProjector, tally } from "./support/guarantees-support";
import { expectProjectionOfLog } from "./support/projector-model";
import { status } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

const WRITERS = 6;
const RACING = "the task is being changed by other writers; read it again and retry";

/** A task created and projected, so every racing writer reads it at version 1. */
async function projectedTask(text: string): Promise<TaskView> {
  const { task } = await createTask(sys(), text);
  await historyOf(sys(), task.id, 1);
  return task;
}

/** Types and versions of a task's events in the log, in log order. */
async function logged(id: string): Promise<Array<[string, number]>> {
  return (await recordsOf(sys(), id)).map((r) => {
    const e = JSON.parse(r.value) as { type: string; version: number };
    return [e.type, e.version];
  });
}

/** Once converged: the whole projection is the fold of the whole log, and no appended event was rejected. */
async function expectEveryEventApplied(): Promise<void> {
  await converge(sys());
  const projection = await expectProjectionOfLog(systemProjector(sys()));
  expect(projection.counters.rejected).toBe(0);
  expect((await status(systemProjector(sys()))).rejected).toBe(0);
}

/** The task as `task(id)` answers it once the projection has caught up. */
async function projected(id: string): Promise<TaskView | null> {
  await converge(sys());
  return (await sys().graphql(TASK, { id })).body.data.task as TaskView | null;
}

describe("concurrent updates", () => {
  it("updateTask: writers racing with the same expectedVersion: exactly one succeeds, the others are CONFLICT", async () => {
    const task = await projectedTask("Race with a version");

    const answers = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        sys().graphql(UPDATE, { id: task.id, text: `writer ${i}`, done: false, expectedVersion: 1 }),
      ),
    );

    expect(tally(answers)).toEqual({ OK: 1, CONFLICT: WRITERS - 1 });
    const winner = answers.find((a) => outcome(a) === "OK")?.body.data.updateTask as TaskView;
    expect(winner).toMatchObject({ id: task.id, version: 2, done: false });
    for (const a of answers.filter((x) => outcome(x) === "CONFLICT")) {
      expect(a.body.data).toEqual({ updateTask: null });
      expect([`task ${task.id} is at version 2, not the expected version 1`, RACING]).toContain(
        a.body.errors?.[0]?.message,
      );
    }
    expect(await logged(task.id)).toEqual([
      ["TaskCreated", 1],
      ["TaskRenamed", 2],
    ]);
    expect(await projected(task.id)).toEqual(winner);
    await expectEveryEventApplied();
  });

  it("updateTask: writers racing without expectedVersion each succeed or are CONFLICT, in contiguous versions", async () => {
    const task = await projectedTask("Race without a version");

    // Each writer renames, and every other one also completes: one or two events per successful writer.
    const answers = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        sys().graphql(UPDATE, { id: task.id, text: `free writer ${i}`, done: i % 2 === 1 }),
      ),
    );

    const counts = tally(answers);
    expect(Object.keys(counts).filter((k) => k !== "OK" && k !== "CONFLICT")).toEqual([]);
    // Each round of the race has a winner, and a writer only gives up after losing two rounds.
    expect(counts.OK).toBeGreaterThanOrEqual(2);
    for (const a of answers.filter((x) => outcome(x) === "CONFLICT")) {
      expect(a.body.errors?.[0]?.message).toBe(RACING);
    }
    const winners = answers
      .filter((a) => outcome(a) === "OK")
      .map((a) => a.body.data.updateTask as TaskView)
      .sort((a, b) => a.version - b.version);
    const log = await logged(task.id);
    expect(log.map(([, version]) => version)).toEqual(log.map((_, i) => i + 1));
    // Every success appended its own events: the versions it answered are in the log, the last one is the task.
    const versions = winners.map((w) => w.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions.at(-1)).toBe(log.length);
    const history = await historyOf(sys(), task.id, log.length);
    for (const w of winners) {
      const upTo = history.filter((e) => Number(e.version) <= w.version);
      expect(upTo.filter((e) => e.text !== null).at(-1)?.text).toBe(w.text);
    }
    expect(await projected(task.id)).toEqual(winners.at(-1));
    await expectEveryEventApplied();
  });
});

describe("deletes", () => {
  it("deleteTask: concurrent deletes of one task: exactly one succeeds, the others are NOT_FOUND", async () => {
    const task = await projectedTask("Delete me many times");

    const answers = await Promise.all(
      Array.from({ length: WRITERS }, () => sys().graphql(DELETE, { id: task.id })),
    );

    expect(tally(answers)).toEqual({ OK: 1, NOT_FOUND: WRITERS - 1 });
    for (const a of answers) {
      if (outcome(a) === "OK") expect(a.body.data).toEqual({ deleteTask: task.id });
      else expect(a.body.errors?.[0]?.message).toBe(`task ${task.id} has been deleted`);
    }
    expect(await logged(task.id)).toEqual([
      ["TaskCreated", 1],
      ["TaskDeleted", 2],
    ]);
    expect(await projected(task.id)).toBeNull();
    await expectEveryEventApplied();
  });

  it("updateTask: updates sent right after a delete, before it is projected, are all NOT_FOUND", async () => {
    const task = await projectedTask("Deleted, then updated");
    const deleted = await sys().graphql(DELETE, { id: task.id });
    expect(deleted.body).toEqual({ data: { deleteTask: task.id } });

    const answers = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        sys().graphql(UPDATE, { id: task.id, text: `too late ${i}`, done: true }),
      ),
    );

    expect(tally(answers)).toEqual({ NOT_FOUND: WRITERS });
    for (const a of answers) expect(a.body.errors?.[0]?.message).toBe(`task ${task.id} has been deleted`);
    expect(await logged(task.id)).toEqual([
      ["TaskCreated", 1],
      ["TaskDeleted", 2],
    ]);
    expect(await projected(task.id)).toBeNull();
    await expectEveryEventApplied();
  });

  it("deleteTask racing updates: the task ends deleted, never resurrected, and nothing follows the delete", async () => {
    const task = await projectedTask("Updated while deleted");

    const [deleted, ...updates] = await Promise.all([
      sys().graphql(DELETE, { id: task.id }),
      ...Array.from({ length: WRITERS - 1 }, (_, i) =>
        sys().graphql(UPDATE, { id: task.id, text: `racing the delete ${i}`, done: i % 2 === 0 }),
      ),
    ]);
    if (!deleted) throw new Error("no answer to the delete");
    // The delete may lose every round to the updates; then it is CONFLICT and a retry deletes.
    if (outcome(deleted) !== "OK") {
      expect(deleted.body.errors?.[0]?.message).toBe(RACING);
      expect((await sys().graphql(DELETE, { id: task.id })).body).toEqual({ data: { deleteTask: task.id } });
    }

    expect(Object.keys(tally(updates)).filter((k) => !["OK", "NOT_FOUND", "CONFLICT"].includes(k))).toEqual(
      [],
    );
    const log = await logged(task.id);
    expect(log.map(([, version]) => version)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter(([type]) => type === "TaskDeleted")).toHaveLength(1);
    expect(log.at(-1)?.[0]).toBe("TaskDeleted");
    // Updates that succeeded were decided before the delete, so their versions come before it.
    const deleteVersion = log.at(-1)?.[1] ?? 0;
    for (const a of updates.filter((x) => outcome(x) === "OK")) {
      expect((a.body.data.updateTask as TaskView).version).toBeLessThan(deleteVersion);
    }
    expect(await projected(task.id)).toBeNull();
    const list = await sys().graphql(LIST);
    expect((list.body.data.list as TaskView[]).map((t) => t.id)).not.toContain(task.id);
    await expectEveryEventApplied();
  });
});
