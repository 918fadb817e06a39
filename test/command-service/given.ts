/**
 * Given/when/then for the write service, in process: `createCommandApp({ deps })` over the in-memory event log and
 * projection, driven with `app.request()`. A poke is delivered to an in-process fold of the log into the
 * projection (the projector's part, folded as test/projection/given.ts folds), so a write decides on what a real
 * projector would have projected. Each request's background work (its commit, its poke and fold) is awaited before
 * the next step, so a specification reads in order and never waits on a clock.
 *
 * Given mutations sent through the service (and any other step on the world), when one operation is sent, then its
 * answer, the events it appended, the projection and the log lines it left.
 */
import { encodeEvent } from "../../shared/domain/encode";
import { CURRENT_SCHEMA_VERSION, type EventEnvelope } from "../../shared/domain/envelope";
import { createMemoryEventLog, type MemoryEventLog } from "../../shared/event-log/memory/event-log";
import type { LogRecord, Position } from "../../shared/event-log/port";
import { createMemoryListRegistry } from "../../shared/lists/memory/registry";
import type { Notifier } from "../../shared/notifier/qstash";
import { DEFAULT_BATCH_BYTES } from "../../shared/projection/fold";
import { DEFAULT_MAX_LIST_TASKS } from "../../workers/command/access";
import { createCommandApp } from "../../workers/command/app";
import { RESERVATION_TTL_FACTOR } from "../../workers/command/deps";
import { foldAll } from "../projection/given";
import { unlimitedCommandBindings } from "../support/fake-limiter";
import { createMemoryProjection, type MemoryProjection } from "../support/memory-projection";

/** A GraphQL operation as a client sends it. */
export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

/** What the service answered: status, the consistency token header and the JSON body. */
export interface Answer {
  status: number;
  token: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: a GraphQL answer's shape is what each specification asserts.
  body: any;
}

/** One JSON line the worker logged. */
export type Line = Record<string, unknown>;

/** The system of one specification. */
export interface World {
  log: MemoryEventLog;
  projection: MemoryProjection;
  /** The list registry (the lists minted, their keys). */
  lists: ReturnType<typeof createMemoryListRegistry>;
  /** Every poke sent, in order. */
  pokes: Position[];
  /** Whether a poke reaches the fold (a specification turns it off to model lost pokes). */
  delivering: boolean;
  /** The tasks the given steps created, in order. */
  created: Array<{ id: string; token: string | null }>;
  send(operation: Operation): Promise<Answer>;
  /** Folds every partition up to the log's head, as a projector's sweep would. */
  catchUp(): Promise<void>;
  /** `type@version` of every event in the log, partition by partition. */
  events(): Promise<string[]>;
}

export type Step = (world: World) => Promise<void>;

const PARTITIONS = 2;
const APPEND_TIMEOUT_MS = 5000;

/** Every record of the log, partition by partition. */
export async function allRecords(log: MemoryEventLog): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (let partition = 0; partition < log.partitions; partition++) {
    for (;;) {
      const batch = await log.read(partition, records.filter((r) => r.partition === partition).length);
      if (batch.length === 0) break;
      records.push(...batch);
    }
  }
  return records;
}

/**
 * Appends a TaskCreated on `listId` straight to the log, as a release from before lists were minted wrote one (the
 * id never registered), folded into no projection yet. Answers the task's id and its record's position.
 */
export async function appendUnregisteredTask(
  log: MemoryEventLog,
  listId: string,
  text: string,
): Promise<{ id: string; position: Position }> {
  const id = crypto.randomUUID();
  const envelope: EventEnvelope = {
    type: "TaskCreated",
    data: { text, listId },
    eventId: crypto.randomUUID(),
    schemaVersion: CURRENT_SCHEMA_VERSION,
    taskId: id,
    version: 1,
    occurredAt: new Date().toISOString(),
    metadata: {},
  };
  const [record] = await log.append(id, [encodeEvent(envelope)]);
  if (!record) throw new Error("the append answered no record");
  return { id, position: record };
}

function world(lines: Line[], maxListTasks = DEFAULT_MAX_LIST_TASKS): World {
  const log = createMemoryEventLog({ partitions: PARTITIONS, timeoutMs: APPEND_TIMEOUT_MS });
  const projection = createMemoryProjection();
  const background: Promise<unknown>[] = [];
  const lists = createMemoryListRegistry();
  const catchUp = async () =>
    foldAll(projection.sink, projection.readModel, await allRecords(log), {
      partitions: PARTITIONS,
      batchBytes: DEFAULT_BATCH_BYTES,
      batchSize: 100,
    });
  const w: World = {
    log,
    projection,
    lists,
    pokes: [],
    delivering: true,
    created: [],
    async send(operation) {
      const res = await app.request(
        "http://command.test/graphql",
        {
          method: "POST",
          headers: { "content-type": "application/json", "x-request-id": `spec-${lines.length}` },
          body: JSON.stringify(operation),
        },
        unlimitedCommandBindings(),
        { waitUntil: (p) => void background.push(p), passThroughOnException: () => {}, props: {} },
      );
      const answer = {
        status: res.status,
        token: res.headers.get("x-consistency-token"),
        body: await res.json(),
      };
      while (background.length > 0) await Promise.all(background.splice(0));
      return answer;
    },
    catchUp,
    async events() {
      return (await allRecords(log)).map((r) => {
        const event = JSON.parse(r.value) as { type: string; version: number };
        return `${event.type}@${event.version}`;
      });
    },
  };
  const notifier: Notifier = {
    async poke(hint) {
      w.pokes.push(hint);
      if (w.delivering) await catchUp();
    },
    async pokeMany(hints) {
      for (const hint of hints) await notifier.poke(hint);
    },
  };
  const app = createCommandApp({
    deps: {
      log,
      reservationTtlMs: RESERVATION_TTL_FACTOR * APPEND_TIMEOUT_MS,
      live: async () => ({ namespace: "spec", store: projection.readModel, guard: projection.guard }),
      idempotency: projection.idempotency,
      lists,
      defaultList: { kind: "open" },
      maxListTasks,
      notifier,
      rebuildStatus: async (namespace) => ({ namespace, rebuild: null, lastRebuild: null, retiring: [] }),
    },
  });
  return w;
}

/** The world after `steps`, and the operation to send on it. */
export async function given(...steps: Step[]) {
  return givenWith({}, ...steps);
}

/** As `given`, with the command worker configured otherwise: `maxListTasks` (MAX_LIST_TASKS). */
export async function givenWith(options: { maxListTasks?: number }, ...steps: Step[]) {
  const lines: Line[] = [];
  const w = world(lines, options.maxListTasks);
  for (const step of steps) await step(w);
  return {
    world: w,
    /** The id of the n-th task the given steps created. */
    task: (n = 0): string => {
      const created = w.created[n];
      if (created === undefined) throw new Error(`given: no task #${n} was created`);
      return created.id;
    },
    /** Sends `operation`; answers what it answered and the events it appended. */
    async when(operation: Operation) {
      const before = (await w.events()).length;
      const answer = await w.send(operation);
      const events = await w.events();
      return { answer, appended: events.slice(before), events, world: w };
    },
  };
}

/** Creates a task through the service; the spec fails if the create is refused. */
export function created(text: string, idempotencyKey?: string): Step {
  return async (w) => {
    const answer = await w.send(create(text, idempotencyKey));
    const id: unknown = answer.body?.data?.createTask?.id;
    if (typeof id !== "string") throw new Error(`given: createTask failed: ${JSON.stringify(answer.body)}`);
    w.created.push({ id, token: answer.token });
  };
}

export const TASK = "id text done version";

export function create(text: string, idempotencyKey?: string): Operation {
  return {
    query: `mutation ($text: String!, $key: String) { createTask(text: $text, idempotencyKey: $key) { ${TASK} } }`,
    variables: { text, key: idempotencyKey ?? null },
  };
}

export function update(
  id: string,
  text: string,
  done: boolean,
  more: { expectedVersion?: number; idempotencyKey?: string } = {},
): Operation {
  return {
    query: `mutation ($id: String!, $text: String!, $done: Boolean!, $v: Int, $key: String) {
      updateTask(id: $id, text: $text, done: $done, expectedVersion: $v, idempotencyKey: $key) { ${TASK} }
    }`,
    variables: { id, text, done, v: more.expectedVersion ?? null, key: more.idempotencyKey ?? null },
  };
}

export function remove(id: string, expectedVersion?: number): Operation {
  return {
    query: "mutation ($id: String!, $v: Int) { deleteTask(id: $id, expectedVersion: $v) }",
    variables: { id, v: expectedVersion ?? null },
  };
}

export function read(id: string, after?: string | null): Operation {
  return {
    query: `query ($id: String!, $after: String) { task(id: $id, after: $after) { ${TASK} } }`,
    variables: { id, after: after ?? null },
  };
}
