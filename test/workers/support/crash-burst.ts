/**
 * What the crash tests share: a burst of creates and updates whose engine (the event log's process, or
 * redis-server) is killed once a number of mutations were acknowledged, and the checks after its restart: every
 * failure says so (UNAVAILABLE, or CONFLICT for a writer that lost a race), "nothing was changed" appended nothing,
 * every acknowledged mutation's event is where its consistency token says, and the projection catches up with the
 * log, every appended event applied.
 */
import { expect } from "vitest";
import type { GraphQLAnswer, TestSystem } from "../../support/system";
import { CREATE, createTask, historyOf, LIST, readLog, type TaskView, UPDATE } from "./command-support";
import { converge, outcome, systemProjector } from "./guarantees-support";
import { expectProjectionOfLog } from "./projector-model";

export interface Sent {
  kind: "create" | "update";
  /** Unique per mutation, so its event can be found in the log whatever the answer. */
  text: string;
  answer: GraphQLAnswer;
}

const MUTATIONS = 60;
const IN_FLIGHT = 12;
/** Acknowledged mutations before the kill. */
const KILL_AFTER = 15;

/**
 * Creates six tasks, then sends up to 60 creates and updates, 12 at a time, and calls `kill` once 15 were
 * acknowledged; the burst ends with the kill. Resolves with every mutation sent and its answer.
 */
export async function burstUntilKilled(sys: TestSystem, kill: () => Promise<void>): Promise<Sent[]> {
  const tasks: TaskView[] = [];
  for (let i = 0; i < 6; i++) tasks.push((await createTask(sys, `before the crash ${i}`)).task);
  for (const t of tasks) await historyOf(sys, t.id, 1);

  const sent: Sent[] = [];
  let acknowledged = 0;
  let killed: Promise<void> | undefined;
  const send = async (i: number) => {
    const task = tasks[i % tasks.length];
    const kind = i % 3 === 2 && task ? "update" : "create";
    const text = `burst ${i}`;
    const answer =
      kind === "update" && task
        ? await sys.graphql(UPDATE, { id: task.id, text, done: i % 2 === 0 })
        : await sys.graphql(CREATE, { text });
    sent.push({ kind, text, answer });
    if (outcome(answer) === "OK" && ++acknowledged === KILL_AFTER) killed = kill();
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      // Once the engine is down, new mutations only fail fast: the burst ends with the kill.
      while (next < MUTATIONS && killed === undefined) await send(next++);
    }),
  );
  expect(killed).toBeDefined();
  await killed;
  return sent;
}

/** The checks after the engine's restart (see the file's comment). */
export async function expectOnlyAcknowledgedWrites(sys: TestSystem, sent: Sent[]): Promise<void> {
  const failed = sent.filter((s) => outcome(s.answer) !== "OK");
  expect(failed.length).toBeGreaterThan(0);
  for (const s of failed) {
    // Updates of one task also race each other: a writer that keeps losing is CONFLICT, appending nothing.
    const expected = s.kind === "update" ? ["UNAVAILABLE", "CONFLICT"] : ["UNAVAILABLE"];
    expect(expected).toContain(outcome(s.answer));
  }
  // A mutation told "nothing was changed" must indeed have appended nothing.
  const texts = new Set((await readLog(sys)).map((r) => JSON.parse(r.value).data?.text));
  for (const s of failed.filter((x) =>
    /nothing was changed/.test(x.answer.body.errors?.[0]?.message ?? ""),
  )) {
    expect({ text: s.text, logged: texts.has(s.text) }).toEqual({ text: s.text, logged: false });
  }
  // Every acknowledged mutation's last event is where its consistency token says, with its text.
  const log = await readLog(sys);
  for (const s of sent.filter((x) => outcome(x.answer) === "OK")) {
    const token = s.answer.headers.get("x-consistency-token") ?? "";
    const record = log[Number(token.split(":")[1])];
    const value = JSON.parse(record?.value ?? "{}");
    if (s.kind === "create") {
      expect(value).toMatchObject({ type: "TaskCreated", taskId: s.answer.body.data.createTask.id });
      expect(value.data).toEqual({ text: s.text });
    } else {
      const updated = s.answer.body.data.updateTask as TaskView;
      expect(value).toMatchObject({ taskId: updated.id, version: updated.version });
      expect(log.some((r) => r.key === updated.id && JSON.parse(r.value).data?.text === s.text)).toBe(true);
    }
  }

  await converge(sys);
  const projection = await expectProjectionOfLog(systemProjector(sys));
  expect(projection.counters.rejected).toBe(0);
  const listed = new Set(((await sys.graphql(LIST)).body.data.list as TaskView[]).map((t) => t.id));
  for (const s of sent.filter((x) => x.kind === "create" && outcome(x.answer) === "OK")) {
    expect(listed.has(s.answer.body.data.createTask.id)).toBe(true);
  }
}
