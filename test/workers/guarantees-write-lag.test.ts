/**
 * Writes do not wait for the projection more than they must (docs/architecture.md#deciding-racing-writers). A write that follows an
 * acknowledged write of the same task is decided on the state that write committed, so a sequence of writes goes
 * through while the projector's deliveries are held back, and the projection then converges to the last of them.
 * Only a write whose append got no answer (it may or may not be in the log) still makes the next writer wait for
 * the projection, since nobody knows the state it left.
 */
import { describe, expect, it } from "vitest";
import {
  clearFaultsAfterEach,
  createTask,
  DELETE,
  historyOf,
  injectFault,
  LIST,
  recordsOf,
  TASK,
  type TaskView,
  UPDATE,
} from "./support/command-support";
import { converge, outcome, systemProjector } from "./support/guarantees-support";
import { expectProjectionOfLog } from "./support/projector-model";
import { admin, status } from "./support/projector-support";
import { useSystem } from "./support/use-system";

const KAFKA_TIMEOUT_MS = 1000;
/** Longer than the Kafka time limit: the append is answered after the adapter gave up on it. */
const LATE_MS = 2500;
/** Longer than a write waits for the projection (3 s): a write that waited for it would fail. */
const HELD_MS = 8000;

const sys = useSystem({ bindings: { KAFKA_TIMEOUT_MS: String(KAFKA_TIMEOUT_MS) } });
clearFaultsAfterEach(() => sys().stack.kafka.url);

/** Holds the next `count` deliveries to the system's projector for HELD_MS each. */
async function holdDeliveries(count: number): Promise<void> {
  await admin(sys().stack.qstash.url, "POST", "delivery-faults", {
    kind: "delay",
    ms: HELD_MS,
    count,
    urlPrefix: systemProjector(sys()).url,
  });
}

/** Runs a mutation and expects it to succeed; answers its field. */
async function mutate<T>(query: string, field: string, variables: Record<string, unknown>): Promise<T> {
  const res = await sys().graphql(query, variables);
  expect(res.body.errors).toBeUndefined();
  return res.body.data[field] as T;
}

async function loggedVersions(id: string): Promise<Array<[string, number]>> {
  return (await recordsOf(sys(), id)).map((r) => {
    const e = JSON.parse(r.value) as { type: string; version: number };
    return [e.type, e.version];
  });
}

describe("writes following acknowledged writes", () => {
  it("updateTask: a sequence of updates and a delete succeed while the projector's deliveries are held back, and the projection converges to the last", async () => {
    const lagBefore = (await status(systemProjector(sys()))).lag;
    await holdDeliveries(40);

    const { task } = await createTask(sys(), "Written again and again");
    let last = task;
    for (let i = 1; i <= 4; i++) {
      last = await mutate<TaskView>(UPDATE, "updateTask", { id: task.id, text: `edit ${i}`, done: false });
      expect(last).toMatchObject({ id: task.id, text: `edit ${i}`, version: i + 1 });
    }
    const { task: doomed } = await createTask(sys(), "Written, then deleted");
    await mutate(UPDATE, "updateTask", { id: doomed.id, text: "Renamed before it goes", done: true });
    expect(await mutate<string>(DELETE, "deleteTask", { id: doomed.id })).toBe(doomed.id);
    // Not one of these writes waited for the projection: it has not folded them yet.
    expect((await status(systemProjector(sys()))).lag).toBeGreaterThan(lagBefore);

    await converge(sys());
    expect((await sys().graphql(TASK, { id: task.id })).body.data.task).toEqual(last);
    expect((await sys().graphql(TASK, { id: doomed.id })).body.data.task).toBeNull();
    const listed = (await sys().graphql(LIST, {})).body.data.list as TaskView[];
    expect(listed.filter((t) => t.id === task.id || t.id === doomed.id)).toEqual([last]);
    expect((await historyOf(sys(), task.id, 5)).map((h) => h.version)).toEqual([1, 2, 3, 4, 5]);
    expect(await loggedVersions(doomed.id)).toEqual([
      ["TaskCreated", 1],
      ["TaskRenamed", 2],
      ["TaskCompleted", 3],
      ["TaskDeleted", 4],
    ]);
    expect((await expectProjectionOfLog(systemProjector(sys()))).counters.rejected).toBe(0);
  });
});

describe("writes following a write of unknown outcome", () => {
  it("updateTask: after an append that got no answer, the next write waits for the projection, and is decided on what the log holds", async () => {
    const { task } = await createTask(sys(), "Appended late");
    await mutate(UPDATE, "updateTask", { id: task.id, text: "Acknowledged", done: false });
    await converge(sys());
    await holdDeliveries(40);

    await injectFault(sys().stack.kafka.url, { kind: "delay", ms: LATE_MS, path: "/produce" });
    const unknown = await sys().graphql(UPDATE, { id: task.id, text: "Answered late", done: false });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAVAILABLE", service: "kafka" });

    // Nobody knows whether "Answered late" is in the log until the projection says: the next write waits for it.
    const next = await sys().graphql(UPDATE, { id: task.id, text: "After it", done: true });
    expect(outcome(next)).toBe("UNAVAILABLE");
    expect(next.body.errors?.[0]?.extensions).toMatchObject({ code: "UNAVAILABLE", service: "projector" });

    await converge(sys());
    const after = await mutate<TaskView>(UPDATE, "updateTask", { id: task.id, text: "After it", done: true });
    // Decided on the late append, which did commit: version 3 is its rename, this one is 4 and 5.
    expect(after).toMatchObject({ text: "After it", done: true, version: 5 });
    expect(await loggedVersions(task.id)).toEqual([
      ["TaskCreated", 1],
      ["TaskRenamed", 2],
      ["TaskRenamed", 3],
      ["TaskRenamed", 4],
      ["TaskCompleted", 5],
    ]);
    await converge(sys());
    expect((await sys().graphql(TASK, { id: task.id })).body.data.task).toEqual(after);
  });
});
