import { describe, expect, test } from "vitest";
import type { TaskState } from "../../shared/domain";
import { applyEvent, evolve, initialState, taskIdOf, versionOf } from "../../shared/domain";
import {
  completed,
  created,
  deleted,
  envelope,
  minutesAfterNow,
  OTHER_TASK_ID,
  renamed,
  reopened,
  TASK_ID,
  uuid,
} from "./fixtures";
import { stateAfter } from "./given";

const T1 = minutesAfterNow(1);
const T2 = minutesAfterNow(2);

const createdState: TaskState = {
  status: "active",
  task: { id: TASK_ID, text: "Do the dishes!", done: false, createdAt: T1, updatedAt: T1, version: 1 },
};

describe("applyEvent: events that apply", () => {
  test("applyEvent: TaskCreated on an absent task makes an open task at version 1 stamped with its time", () => {
    const event = envelope(created("Do the dishes!"), { version: 1, occurredAt: T1 });
    expect(applyEvent(initialState(), event)).toEqual({ applied: true, state: createdState });
  });

  test("applyEvent: TaskRenamed changes the text, updatedAt and version, and keeps createdAt", () => {
    const event = envelope(renamed("Dishes"), { version: 2, occurredAt: T2 });
    expect(applyEvent(createdState, event)).toEqual({
      applied: true,
      state: {
        status: "active",
        task: { id: TASK_ID, text: "Dishes", done: false, createdAt: T1, updatedAt: T2, version: 2 },
      },
    });
  });

  test("applyEvent: TaskCompleted then TaskReopened set done and back", () => {
    const done = evolve(createdState, envelope(completed, { version: 2, occurredAt: T2 }));
    expect(done).toEqual({
      status: "active",
      task: { id: TASK_ID, text: "Do the dishes!", done: true, createdAt: T1, updatedAt: T2, version: 2 },
    });
    const open = evolve(done, envelope(reopened, { version: 3, occurredAt: minutesAfterNow(3) }));
    expect(open).toEqual({
      status: "active",
      task: {
        id: TASK_ID,
        text: "Do the dishes!",
        done: false,
        createdAt: T1,
        updatedAt: minutesAfterNow(3),
        version: 3,
      },
    });
  });

  test("applyEvent: TaskDeleted leaves a tombstone with the id, version and time", () => {
    expect(applyEvent(createdState, envelope(deleted, { version: 2, occurredAt: T2 }))).toEqual({
      applied: true,
      state: { status: "deleted", id: TASK_ID, version: 2, deletedAt: T2 },
    });
  });

  test("applyEvent: a redundant but in-turn TaskCompleted applies and advances the version", () => {
    const done = stateAfter(TASK_ID, [created("Do the dishes!"), completed]);
    const result = applyEvent(done, envelope(completed, { version: 3 }));
    expect(result).toMatchObject({
      applied: true,
      state: { status: "active", task: { done: true, version: 3 } },
    });
  });

  test("evolve: folding envelopes with reduce gives the final state", () => {
    const events = [created("a"), renamed("b"), completed, deleted].map((event, index) =>
      envelope(event, { version: index + 1 }),
    );
    expect(events.reduce(evolve, initialState())).toEqual({
      status: "deleted",
      id: TASK_ID,
      version: 4,
      deletedAt: minutesAfterNow(4),
    });
  });
});

describe("applyEvent: events that do not apply leave the state untouched", () => {
  const live = stateAfter(TASK_ID, [created("Do the dishes!"), completed]);
  const gone = stateAfter(TASK_ID, [created("Do the dishes!"), deleted]);
  const e = (n: number) => uuid(1000 + n);

  test.each([
    [
      "a rename of an absent task",
      initialState(),
      envelope(renamed("x"), { version: 1 }),
      `TaskRenamed ${e(1)} (version 1): task ${TASK_ID} does not exist`,
    ],
    [
      "a delete of an absent task",
      initialState(),
      envelope(deleted, { version: 1 }),
      `TaskDeleted ${e(1)} (version 1): task ${TASK_ID} does not exist`,
    ],
    [
      "a rename of a deleted task",
      gone,
      envelope(renamed("x"), { version: 3 }),
      `TaskRenamed ${e(3)} (version 3): task ${TASK_ID} has been deleted`,
    ],
    [
      "a second delete",
      gone,
      envelope(deleted, { version: 3 }),
      `TaskDeleted ${e(3)} (version 3): task ${TASK_ID} has been deleted`,
    ],
    [
      "a create of a deleted task",
      gone,
      envelope(created("again"), { version: 3 }),
      `TaskCreated ${e(3)} (version 3): task ${TASK_ID} has been deleted`,
    ],
    [
      "a create of an existing task",
      live,
      envelope(created("again"), { version: 3 }),
      `TaskCreated ${e(3)} (version 3): task ${TASK_ID} already exists`,
    ],
    [
      "a version gap",
      live,
      envelope(renamed("x"), { version: 4 }),
      `TaskRenamed ${e(4)} (version 4): does not follow task version 2`,
    ],
    [
      "a replayed version",
      live,
      envelope(reopened, { version: 2 }),
      `TaskReopened ${e(2)} (version 2): does not follow task version 2`,
    ],
    [
      "a first event that is not version 1",
      initialState(),
      envelope(created("x"), { version: 2 }),
      `TaskCreated ${e(2)} (version 2): does not follow task version 0`,
    ],
    [
      "an event of another task",
      live,
      envelope(renamed("x"), { version: 3, taskId: OTHER_TASK_ID }),
      `TaskRenamed ${e(3)} (version 3): belongs to task ${OTHER_TASK_ID}, not ${TASK_ID}`,
    ],
  ])("applyEvent: %s is not applied", (_, state, event, reason) => {
    const result = applyEvent(state, event);
    expect(result).toEqual({ applied: false, state, reason });
    expect(result.state).toBe(state);
  });
});

/** A small seeded generator (mulberry32), so a failing sequence can be replayed from its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ANY_EVENT = [created("c"), renamed("r"), completed, reopened, deleted];
// Deletes are rare so that most tasks live long enough to exercise every path.
const CHANGES = [renamed("r"), renamed("s"), completed, completed, reopened, reopened, renamed("t"), deleted];

describe("applyEvent: totality", () => {
  test.each([1, 2, 3, 42, 2025])(
    "applyEvent: a random sequence with inapplicable events never throws, resurrects or lowers a version (seed %i)",
    (seed) => {
      const random = seeded(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      // A pool of live task ids; a deleted task is now and then swapped for a fresh id, so tasks keep being born.
      const pool = Array.from({ length: 8 }, (_, n) => uuid(n, "7a5c0f3e"));
      const states = new Map<string, TaskState>();
      const seen = { applied: 0, skipped: 0, deletedSkips: 0 };
      for (let step = 0; step < 2000; step++) {
        const slot = Math.floor(random() * pool.length);
        if (states.get(pool[slot] ?? "")?.status === "deleted" && random() < 0.3)
          pool[slot] = uuid(step, "5eed0000");
        const target = pool[slot] ?? "";
        const state = states.get(target) ?? initialState();
        const current = versionOf(state);
        // Mostly an event that fits the task's status, sometimes any event at all.
        const fitting = state.status === "absent" ? [created("c")] : CHANGES;
        const event = envelope(pick(random() < 0.8 ? fitting : ANY_EVENT), {
          // Mostly the next version, sometimes a replay, a duplicate or a gap.
          version: Math.max(1, current + pick([-1, 0, 1, 1, 1, 1, 1, 2])),
          // Mostly its own task, sometimes a stray event of another.
          taskId: random() < 0.9 ? target : pick(pool),
          eventId: uuid(step),
          occurredAt: minutesAfterNow(step),
        });
        const result = applyEvent(state, event);
        expect(versionOf(result.state)).toBeGreaterThanOrEqual(current);
        if (result.applied) {
          seen.applied++;
          expect(versionOf(result.state)).toBe(current + 1);
          expect(event.version).toBe(current + 1);
          expect(taskIdOf(result.state)).toBe(event.taskId);
          if (result.state.status === "active") expect(result.state.task.updatedAt).toBe(event.occurredAt);
        } else {
          seen.skipped++;
          expect(result.state).toBe(state);
          expect(result.reason).toContain(event.eventId);
        }
        if (state.status === "deleted") {
          seen.deletedSkips++;
          expect(result.state).toBe(state);
        }
        if (state.status === "active") expect(result.state.status).not.toBe("absent");
        states.set(target, result.state);
      }
      // The generator must exercise every path, or the property proves nothing.
      expect(seen).toMatchObject({
        applied: expect.toSatisfy((n: number) => n > 250),
        skipped: expect.toSatisfy((n: number) => n > 250),
        deletedSkips: expect.toSatisfy((n: number) => n > 0),
      });
    },
  );
});
