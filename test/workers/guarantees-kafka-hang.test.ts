/**
 * Kafka hanging on a mutation's append (docs/architecture.md#deciding-racing-writers): the mutation answers UNAVAILABLE once the
 * adapter's time limit (`KAFKA_TIMEOUT_MS`, here 400 ms) passes, saying the write may or may not have been
 * recorded; whatever the log holds afterwards (an append answered late did commit) is projected normally; and
 * the reservation a timed-out update leaves holds the task only until its TTL (6 × KAFKA_TIMEOUT_MS), after
 * which the next write is decided on everything the log holds.
 */
import { describe, expect, it } from "vitest";
import { MAY_HAVE_BEEN_RECORDED, unavailable } from "../support/graphql-answers";
import {
  CREATE,
  clearFaultsAfterEach,
  createTask,
  eventually,
  historyOf,
  injectFault,
  LIST,
  logHead,
  readLog,
  recordsOf,
  releaseHeld,
  type TaskView,
  UPDATE,
} from "./support/command-support";
import { converge, systemProjector } from "./support/guarantees-support";
import { expectProjectionOfLog } from "./support/projector-model";
import { useSystem } from "./support/use-system";

const KAFKA_TIMEOUT_MS = 400;
/** Longer than the time limit: the adapter gives up first. */
const HANG_MS = 1200;

// The command worker's limit only: the faults hold its appends, and the projector's reads keep their own limit, so
// that a fold on a loaded machine is not cut short too. Short, as a reservation (6 × the limit) must expire within
// the 3 s a write waits for it.
const sys = useSystem({ commandBindings: { KAFKA_TIMEOUT_MS: String(KAFKA_TIMEOUT_MS) } });
const kafkaUrl = () => sys().stack.kafka.url;
clearFaultsAfterEach(kafkaUrl);

/** The whole body of a mutation that timed out on the event log. */
function timedOut(field: string) {
  return unavailable(
    field,
    "kafka",
    `kafka did not answer within ${KAFKA_TIMEOUT_MS} ms; ${MAY_HAVE_BEEN_RECORDED}`,
  );
}

/** The next produce is held unanswered, then its connection dropped: nothing is appended. */
const hangNextProduce = () => injectFault(kafkaUrl(), { kind: "timeout", ms: HANG_MS, path: "/produce" });
/** The next produce is answered late: it is appended, after the adapter gave up on it. */
const delayNextProduce = () => injectFault(kafkaUrl(), { kind: "delay", ms: HANG_MS, path: "/produce" });

async function loggedTypes(id: string): Promise<string[]> {
  return (await recordsOf(sys(), id)).map((r) => JSON.parse(r.value).type);
}

async function expectEveryEventApplied(): Promise<void> {
  await converge(sys());
  expect((await expectProjectionOfLog(systemProjector(sys()))).counters.rejected).toBe(0);
}

describe("createTask", () => {
  it("createTask: an append held past KAFKA_TIMEOUT_MS is UNAVAILABLE naming the limit, and appends nothing", async () => {
    const head = await logHead(sys());
    await hangNextProduce();

    const res = await sys().graphql(CREATE, { text: "Held by Kafka" });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(timedOut("createTask"));
    expect(res.headers.get("x-consistency-token")).toBeNull();
    // The fault holds the append the client gave up on: ended now, it is dropped unprocessed.
    await releaseHeld(kafkaUrl());
    expect(await logHead(sys())).toBe(head);
  });

  it("createTask: an append answered after the time limit is UNAVAILABLE, yet committed, and is projected", async () => {
    await delayNextProduce();

    const res = await sys().graphql(CREATE, { text: "Committed late" });

    expect(res.body).toEqual(timedOut("createTask"));
    const record = await eventually(async () => {
      const found = (await readLog(sys())).find((r) => JSON.parse(r.value).data?.text === "Committed late");
      return found ?? undefined;
    }, "the late append in the log");
    // No poke went out for it (the append failed as far as the worker knew): the cron projects it.
    await converge(sys());
    const list = (await sys().graphql(LIST)).body.data.list as TaskView[];
    expect(list.filter((t) => t.text === "Committed late")).toEqual([
      expect.objectContaining({ id: record.key, version: 1, done: false }),
    ]);
    await expectEveryEventApplied();
  });
});

describe("a connection lost", () => {
  it("createTask: a connection the log drops before answering is UNAVAILABLE as an unknown outcome, not a refusal", async () => {
    // Dropped before the time limit: to the worker, the log may have stored the record and lost only the answer.
    await injectFault(kafkaUrl(), { kind: "timeout", ms: 50, path: "/produce" });

    const res = await sys().graphql(CREATE, { text: "Answer lost" });

    expect(res.body).toEqual(
      unavailable(
        "createTask",
        "kafka",
        `kafka lost the connection before answering; ${MAY_HAVE_BEEN_RECORDED}`,
      ),
    );
  });
});

describe("updateTask", () => {
  it("updateTask: after a timed-out append, the next update waits out the reservation's TTL and goes through", async () => {
    const { task } = await createTask(sys(), "Reserved, never appended");
    await historyOf(sys(), task.id, 1);
    await hangNextProduce();

    const failed = await sys().graphql(UPDATE, { id: task.id, text: "Lost in Kafka", done: false });
    const next = await sys().graphql(UPDATE, { id: task.id, text: "Reserved, never appended", done: true });

    expect(failed.body).toEqual(timedOut("updateTask"));
    expect(next.body).toEqual({
      data: { updateTask: { ...task, done: true, version: 2, updatedAt: expect.any(String) } },
    });
    expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskCompleted"]);
    await expectEveryEventApplied();
  });

  it("updateTask: after an append that timed out but committed, the next update is decided after it", async () => {
    const { task } = await createTask(sys(), "Renamed late");
    await historyOf(sys(), task.id, 1);
    await delayNextProduce();

    const failed = await sys().graphql(UPDATE, { id: task.id, text: "Renamed, late", done: false });
    const next = await sys().graphql(UPDATE, { id: task.id, text: "Renamed, late", done: true });

    expect(failed.body).toEqual(timedOut("updateTask"));
    // The late rename is version 2 in the log, so the completion is decided on it: version 3, text kept.
    expect(next.body).toEqual({
      data: {
        updateTask: { ...task, text: "Renamed, late", done: true, version: 3, updatedAt: expect.any(String) },
      },
    });
    expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskRenamed", "TaskCompleted"]);
    await expectEveryEventApplied();
  });

  it("updateTask: after a timed-out append that committed, an update sent after the TTL still sees it", async () => {
    const { task } = await createTask(sys(), "Seen after the TTL");
    await historyOf(sys(), task.id, 1);
    await delayNextProduce();

    const failed = await sys().graphql(UPDATE, {
      id: task.id,
      text: "Seen after the TTL, renamed",
      done: false,
    });
    expect(failed.body).toEqual(timedOut("updateTask"));
    // Past the reservation's TTL; no poke, no cron: the projection has not folded the late rename.
    await new Promise((resolve) => setTimeout(resolve, 6 * KAFKA_TIMEOUT_MS + 200));
    const next = await sys().graphql(UPDATE, {
      id: task.id,
      text: "Seen after the TTL, renamed",
      done: true,
    });

    expect(next.body).toEqual({
      data: {
        updateTask: {
          ...task,
          text: "Seen after the TTL, renamed",
          done: true,
          version: 3,
          updatedAt: expect.any(String),
        },
      },
    });
    expect(await loggedTypes(task.id)).toEqual(["TaskCreated", "TaskRenamed", "TaskCompleted"]);
    await expectEveryEventApplied();
  });
});
