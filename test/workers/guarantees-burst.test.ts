/**
 * A burst of writes and pokes (docs/guarantees.md#a-burst-of-writes-and-pokes-fails-no-write): concurrent clients each create a task, update it one
 * to four times and delete every third, while a storm of validly signed duplicate pokes reaches the projector at
 * once. No write may fail, no poke may get a 5xx, the projection must converge to exactly the acknowledged writes,
 * and the fold's work must follow the events, not the pokes: folds that lose the checkpoint compare-and-set (work
 * thrown away) stay a small fraction of the batches applied. Counts only, never times.
 */
import { describe, expect, it } from "vitest";
import type { GraphQLAnswer } from "../support/system";
import { CREATE, DELETE, LIST, TASK_FIELDS, type TaskView, UPDATE } from "./support/command-support";
import { converge, outcome, systemProjector, tally } from "./support/guarantees-support";
import { poke, status } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();

const CLIENTS = 20;
const EXTRA_POKES = 200;

interface Expected {
  text: string;
  done: boolean;
}

/** One client's task: create, then 1 to 4 updates, then a delete for every third client. */
async function lifecycle(client: number, answers: GraphQLAnswer[], expected: Map<string, Expected | null>) {
  const created = await sys().graphql(CREATE, { text: `burst ${client}` });
  answers.push(created);
  if (outcome(created) !== "OK") return;
  const id = (created.body.data.createTask as TaskView).id;
  expected.set(id, { text: `burst ${client}`, done: false });
  for (let u = 0; u < 1 + (client % 4); u++) {
    const next = { text: `burst ${client} rev ${u + 1}`, done: u % 2 === 0 };
    const updated = await sys().graphql(UPDATE, { id, ...next });
    answers.push(updated);
    if (outcome(updated) === "OK") expected.set(id, next);
  }
  if (client % 3 === 0) {
    const deleted = await sys().graphql(DELETE, { id });
    answers.push(deleted);
    if (outcome(deleted) === "OK") expected.set(id, null);
  }
}

/** Fires `count` signed pokes at the projector, a few at a time, all in flight together at the peak. */
async function pokeStorm(count: number): Promise<number[]> {
  const p = systemProjector(sys());
  const statuses: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(
      poke(p, JSON.stringify({ partition: 0, offset: i, reason: "storm" })).then((a) => {
        statuses.push(a.status);
      }),
    );
    if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.all(pending);
  return statuses;
}

describe("a burst of writes and pokes", () => {
  it("burst: concurrent lifecycles and duplicate pokes fail no write, converge exactly, and waste little fold work", {
    timeout: 120_000,
  }, async () => {
    const answers: GraphQLAnswer[] = [];
    const expected = new Map<string, Expected | null>();

    const [pokeStatuses] = await Promise.all([
      pokeStorm(EXTRA_POKES),
      ...Array.from({ length: CLIENTS }, (_, client) => lifecycle(client, answers, expected)),
    ]);

    const mutations =
      CLIENTS +
      Array.from({ length: CLIENTS }, (_, c) => 1 + (c % 4) + (c % 3 === 0 ? 1 : 0)).reduce(
        (a, b) => a + b,
        0,
      );
    expect(tally(answers)).toEqual({ OK: mutations });
    expect(pokeStatuses.filter((s) => s >= 500)).toEqual([]);

    await converge(sys());
    const listed = await sys().graphql(LIST.replace(TASK_FIELDS, "id text done"));
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    const want = [...expected]
      .filter((entry): entry is [string, Expected] => entry[1] !== null)
      .map(([id, e]) => ({ id, ...e }));
    expect([...(listed.body.data.list as Array<{ id: string }>)].sort(byId)).toEqual(want.sort(byId));

    const s = await status(systemProjector(sys()));
    expect(s.folds.applied).toBeGreaterThan(0);
    expect(s.folds.lost).toBeLessThanOrEqual(Math.ceil(s.folds.applied * 0.1));
  });
});
