/**
 * What the command worker tests share: GraphQL operations of the public contract, bounded polling, and reads of
 * the Kafka log itself (with the official `@upstash/kafka` client and the REST protocol), so a test can check
 * what was appended without going through the worker it is testing.
 */
import { createHash } from "node:crypto";
import { Kafka, type Message } from "@upstash/kafka";
import { afterEach, expect } from "vitest";
import { appendStepScript } from "../../../shared/event-log/redis-streams/script";
import { COMMIT_STEP, CONDITIONAL_COMMIT_STEP } from "../../../shared/write-guard/redis/scripts";
import type { GraphQLAnswer, TestSystem } from "../../support/system";

export const TASK_FIELDS = "id text done version createdAt updatedAt";

export const CREATE = `mutation ($text: String!) { createTask(text: $text) { ${TASK_FIELDS} } }`;
export const UPDATE = `mutation ($id: String!, $text: String!, $done: Boolean!, $expectedVersion: Int) {
  updateTask(id: $id, text: $text, done: $done, expectedVersion: $expectedVersion) { ${TASK_FIELDS} }
}`;
export const DELETE = `mutation ($id: String!, $expectedVersion: Int) {
  deleteTask(id: $id, expectedVersion: $expectedVersion)
}`;
export const LIST = `query ($after: String) { list(after: $after) { ${TASK_FIELDS} } }`;
export const TASK = `query ($id: String!, $after: String) { task(id: $id, after: $after) { ${TASK_FIELDS} } }`;
export const HISTORY = `query ($id: String!) { history(id: $id) { eventId type version occurredAt position text } }`;

/**
 * Every task of the default list, read page by page with `tasks` (500 a page; the first is given `after`, and the
 * cursor it answers carries it to the next pages): the list's pages and, when a page failed, its answer instead of the tasks.
 */
export async function readAllTasks<T>(
  sys: TestSystem,
  fields: string,
  after?: string,
): Promise<{ answer: GraphQLAnswer; tasks?: T[] }> {
  const query = `query ($after: String, $cursor: String) {
    tasks(first: 500, cursor: $cursor, after: $after) { tasks { ${fields} } nextCursor }
  }`;
  const tasks: T[] = [];
  for (let cursor: string | null = null, first = true; ; first = false) {
    const answer = await sys.graphql(query, { after: first ? (after ?? null) : null, cursor });
    const page = answer.body.data?.tasks as { tasks: T[]; nextCursor: string | null } | undefined;
    if (answer.status !== 200 || answer.body.errors || !page) return { answer };
    tasks.push(...page.tasks);
    cursor = page.nextCursor;
    if (cursor === null) return { answer, tasks };
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface TaskView {
  id: string;
  text: string;
  done: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreatedTask {
  task: TaskView;
  /** The consistency token the mutation answered in `x-consistency-token`. */
  token: string;
}

/** Creates a task and returns it with its consistency token; fails the test on any error. */
export async function createTask(sys: TestSystem, text: string): Promise<CreatedTask> {
  const res = await sys.graphql(CREATE, { text });
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  const token = res.headers.get("x-consistency-token");
  if (token === null) throw new Error("createTask answered no x-consistency-token");
  return { task: res.body.data.createTask as TaskView, token };
}

/** Polls `probe` every 25 ms until it answers something other than undefined; fails after `limitMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  limitMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The task's audit trail once the projection holds at least `count` of its events. */
export async function historyOf(
  sys: TestSystem,
  id: string,
  count: number,
): Promise<Array<Record<string, unknown>>> {
  return eventually(async () => {
    const res = await sys.graphql(HISTORY, { id });
    const entries = res.body.data?.history as Array<Record<string, unknown>> | undefined;
    return entries && entries.length >= count ? entries : undefined;
  }, `${count} history entries of ${id}`);
}

/** A record as these tests inspect it, whatever the backend. */
export type LoggedRecord = Pick<Message, "partition" | "offset" | "key" | "value">;

/**
 * Every record of partition 0 of the system's log: with the official client on Kafka, through the adapter
 * (proven by the event log contract suite) on other backends.
 */
export async function readLog(sys: TestSystem): Promise<LoggedRecord[]> {
  if (sys.eventLog !== "upstash-kafka") {
    const log = sys.log();
    const records: LoggedRecord[] = [];
    for (;;) {
      const page = await log.read(0, records.length, { limit: 1000 });
      if (page.length === 0) return records;
      records.push(...page);
    }
  }
  const kafka = new Kafka({
    url: kafkaUrl(sys),
    username: env(sys, "UPSTASH_KAFKA_USERNAME"),
    password: env(sys, "UPSTASH_KAFKA_PASSWORD"),
  });
  const topic = env(sys, "UPSTASH_KAFKA_TOPIC");
  const records: Message[] = [];
  for (;;) {
    const page = await kafka.consumer().fetch({ topic, partition: 0, offset: records.length, timeout: 0 });
    if (page.length === 0) return records;
    records.push(...page);
  }
}

/** The records of one task, in log order. */
export async function recordsOf(sys: TestSystem, taskId: string): Promise<LoggedRecord[]> {
  return (await readLog(sys)).filter((m) => m.key === taskId);
}

/** The next offset the log will write in partition 0, asked of the Kafka REST endpoint directly (on Kafka). */
export async function logHead(sys: TestSystem): Promise<number> {
  if (sys.eventLog !== "upstash-kafka") return sys.log().head(0);
  const auth = btoa(`${env(sys, "UPSTASH_KAFKA_USERNAME")}:${env(sys, "UPSTASH_KAFKA_PASSWORD")}`);
  const res = await fetch(`${kafkaUrl(sys)}/offsets/latest`, {
    method: "POST",
    headers: { authorization: `Basic ${auth}`, "content-type": "application/json" },
    body: JSON.stringify([{ topic: env(sys, "UPSTASH_KAFKA_TOPIC"), partition: 0 }]),
  });
  expect(res.status).toBe(200);
  const [entry] = (await res.json()) as Array<{ offset: number }>;
  if (!entry) throw new Error("offsets/latest answered no entry");
  return entry.offset;
}

/** Injects a request fault into one of the emulators (see local/common/faults.ts). */
export async function injectFault(url: string, fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  expect(res.status).toBe(200);
}

/**
 * Ends the hold of every request a `hold` or `timeout` fault of an emulator keeps (a timeout's is dropped, never run),
 * so a test goes on once a held call is gone rather than after sleeping through its hold. Answers how many were held:
 * none when the hold already ran out.
 */
export async function releaseHeld(url: string): Promise<number> {
  const res = await fetch(`${url}/__emulator/held/release`, { method: "POST" });
  expect(res.status).toBe(200);
  return ((await res.json()) as { released: number }).released;
}

/** Drops every pending request fault of an emulator, so one test's unused fault never reaches the next. */
export async function clearFaults(url: string): Promise<void> {
  const res = await fetch(`${url}/__emulator/faults`, { method: "DELETE" });
  expect(res.status).toBe(200);
}

function kafkaUrl(sys: TestSystem): string {
  return env(sys, "UPSTASH_KAFKA_URL");
}

function env(sys: TestSystem, name: string): string {
  const value = sys.env[name];
  if (value === undefined) throw new Error(`the test system has no ${name}`);
  return value;
}

/** Waits until every injected request fault of an emulator has been used up by the requests it was meant for. */
export async function faultsUsedUp(url: string): Promise<void> {
  await eventually(async () => {
    const res = await fetch(`${url}/__emulator/faults`);
    const { faults } = (await res.json()) as { faults: unknown[] };
    return faults.length === 0 ? true : undefined;
  }, `the faults of ${url} to be used up`);
}

/** Drops the injected request faults of the emulator at `url()` after each test (see `clearFaults`). */
export function clearFaultsAfterEach(url: () => string): void {
  afterEach(async () => {
    await clearFaults(url());
  });
}

/** A task created and projected (its history shows the create); it also loads the scripts a later write runs. */
export async function projectedTask(sys: TestSystem, text: string): Promise<TaskView> {
  const { task } = await createTask(sys, text);
  await historyOf(sys, task.id, 1);
  return task;
}

/** A task's events in the log, as [type, version, text]. */
export async function logged(
  sys: TestSystem,
  id: string,
): Promise<Array<[string, number, string | undefined]>> {
  return (await recordsOf(sys, id)).map((r) => {
    const e = JSON.parse(r.value) as { type: string; version: number; data: { text?: string } };
    return [e.type, e.version, e.data.text];
  });
}

/**
 * What only a write's append call carries on Redis Streams in the projection's database, for a fault to match: the
 * SHA-1 of its script (a create's append with its commit, or an update's or delete's append with its check and
 * commit), which it sends as EVALSHA. A fault that fails the EVALSHA is taken for the append's answer: the adapter
 * sends the script's text only after a NOSCRIPT.
 */
export function appendCallOf(write: "create" | "change"): string {
  const script =
    write === "create"
      ? appendStepScript(COMMIT_STEP, 4, false)
      : appendStepScript(CONDITIONAL_COMMIT_STEP, 5, true);
  return createHash("sha1").update(script).digest("hex");
}
