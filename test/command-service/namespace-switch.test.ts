/**
 * The read service across a rebuild's switch, in process: two namespaces of the projection (the live one and a
 * rebuild's, which is behind), a live pointer the specification moves, and `createCommandApp({ deps })` driven
 * with `app.request()`. A read given a consistency token is answered from the namespace where the token was found
 * reached, and every field of one request reads one namespace, whenever the pointer moves.
 */
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createMemoryEventLog } from "../../shared/event-log/memory/event-log";
import { createMemoryListRegistry } from "../../shared/lists/memory/registry";
import type { Notifier } from "../../shared/notifier/qstash";
import { DEFAULT_BATCH_BYTES } from "../../shared/projection/fold";
import type { ReadModel } from "../../shared/projection/read-model";
import { DEFAULT_MAX_LIST_TASKS } from "../../workers/command/access";
import { createCommandApp } from "../../workers/command/app";
import { formatToken } from "../../workers/command/consistency/token";
import type { CommandDeps } from "../../workers/command/deps";
import { RESERVATION_TTL_FACTOR } from "../../workers/command/deps";
import { foldAll } from "../projection/given";
import { unlimitedCommandBindings } from "../support/fake-limiter";
import { createMemoryProjection } from "../support/memory-projection";
import { allRecords, appendUnregisteredTask, create, type Operation, TASK } from "./given";

const PARTITIONS = 2;
const APPEND_TIMEOUT_MS = 5000;

type Namespace = "old" | "new";

/**
 * The world of one specification: the old namespace is live and folded by the pokes the writes send; the new one
 * (a rebuild's) is folded only when the specification says. `switchWhenChecked` arms a switch: the next time the
 * reader checks its token in the old namespace, the live fold first catches that namespace up, and right after
 * it answered, the pointer moves to the new one.
 */
function world() {
  const log = createMemoryEventLog({ partitions: PARTITIONS, timeoutMs: APPEND_TIMEOUT_MS });
  const spaces = { old: createMemoryProjection(), new: createMemoryProjection() };
  const fold = async (namespace: Namespace) =>
    foldAll(spaces[namespace].sink, spaces[namespace].readModel, await allRecords(log), {
      partitions: PARTITIONS,
      batchBytes: DEFAULT_BATCH_BYTES,
      batchSize: 100,
    });
  let live: Namespace = "old";
  let armed = false;
  /** How the pointer is read; a specification may replace it. */
  let pointer = (): Namespace => live;
  let delivering = true;
  let foldNewWhenWaited = false;
  const oldReads: ReadModel = {
    ...spaces.old.readModel,
    async checkpoint(partition) {
      if (!armed) return spaces.old.readModel.checkpoint(partition);
      armed = false;
      await fold("old");
      const checkpoint = await spaces.old.readModel.checkpoint(partition);
      live = "new";
      return checkpoint;
    },
  };
  const newReads: ReadModel = {
    ...spaces.new.readModel,
    async checkpoint(partition) {
      if (foldNewWhenWaited) await fold("new");
      return spaces.new.readModel.checkpoint(partition);
    },
  };
  const reads: Record<Namespace, ReadModel> = { old: oldReads, new: newReads };
  const notifier: Notifier = {
    async poke() {
      if (delivering) await fold(live);
    },
    async pokeMany(hints) {
      for (const hint of hints) await notifier.poke(hint);
    },
  };
  const deps: CommandDeps = {
    log,
    reservationTtlMs: RESERVATION_TTL_FACTOR * APPEND_TIMEOUT_MS,
    async live() {
      const namespace = pointer();
      return { namespace, store: reads[namespace], guard: spaces[namespace].guard };
    },
    idempotency: spaces.old.idempotency,
    lists: createMemoryListRegistry(),
    defaultList: { kind: "open" },
    maxListTasks: DEFAULT_MAX_LIST_TASKS,
    notifier,
    rebuildStatus: async (namespace) => ({ namespace, rebuild: null, lastRebuild: null, retiring: [] }),
  };
  const app = createCommandApp({ deps });
  const background: Promise<unknown>[] = [];
  return {
    log,
    fold,
    switchWhenChecked: () => {
      armed = true;
    },
    /** From now on the new namespace catches up only when a reader waits on its checkpoint (a token's wait). */
    foldNewWhenWaited: () => {
      foldNewWhenWaited = true;
    },
    /** Reads the pointer through `read` from now on. */
    pointTo: (read: () => Namespace) => {
      pointer = read;
    },
    stopDeliveries: () => {
      delivering = false;
    },
    live: () => live,
    async send(operation: Operation) {
      const res = await app.request(
        "http://command.test/graphql",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(operation),
        },
        unlimitedCommandBindings(),
        { waitUntil: (p) => void background.push(p), passThroughOnException: () => {}, props: {} },
      );
      const answer = { token: res.headers.get("x-consistency-token"), body: await res.json() };
      while (background.length > 0) await Promise.all(background.splice(0));
      return answer;
    },
  };
}

/** A task created while the pokes are not delivered: in the log, folded into no namespace yet. */
async function unfoldedTask(w: ReturnType<typeof world>, text: string) {
  w.stopDeliveries();
  const answer = await w.send(create(text));
  const task = answer.body.data.createTask;
  expect(answer.token).toEqual(expect.any(String));
  return { task, token: String(answer.token) };
}

/** A task created on `listId` before lists were minted, with the consistency token a create of it answers. */
async function unregisteredTask(w: ReturnType<typeof world>, listId: string, text: string) {
  const { id, position } = await appendUnregisteredTask(w.log, listId, text);
  return { id, token: formatToken(position) };
}

beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

it("task: a token found reached in the old namespace is answered from it when the pointer switches right after", async () => {
  const w = world();
  const { task, token } = await unfoldedTask(w, "written before the switch");
  w.switchWhenChecked();

  const answer = await w.send({
    query: `query ($id: String!, $after: String) { task(id: $id, after: $after) { ${TASK} } }`,
    variables: { id: task.id, after: token },
  });

  expect(w.live()).toBe("new");
  expect(answer.body).toEqual({ data: { task } });
});

it("history: a token found reached in the old namespace is answered from it when the pointer switches right after", async () => {
  const w = world();
  const { task, token } = await unfoldedTask(w, "written before the switch");
  w.switchWhenChecked();

  const answer = await w.send({
    query: "query ($id: String!, $after: String) { history(id: $id, after: $after) { type version } }",
    variables: { id: task.id, after: token },
  });

  expect(w.live()).toBe("new");
  expect(answer.body).toEqual({ data: { history: [{ type: "TaskCreated", version: 1 }] } });
});

it("list: a token found reached in the old namespace is answered from it when the pointer switches right after", async () => {
  const w = world();
  const { task, token } = await unfoldedTask(w, "written before the switch");
  w.switchWhenChecked();

  const answer = await w.send({
    query: `query ($after: String) { list(after: $after) { ${TASK} } }`,
    variables: { after: token },
  });

  expect(w.live()).toBe("new");
  expect(answer.body).toEqual({ data: { list: [task] } });
});

it("tasks: a page after a cursor waits for the first page's token, even read from a namespace behind it", async () => {
  const w = world();
  const first = await unfoldedTask(w, "the first page's");
  const second = await unfoldedTask(w, "the second page's");
  await w.fold("old");
  const page = `query ($cursor: String, $after: String) { tasks(first: 1, cursor: $cursor, after: $after) {
    tasks { ${TASK} } nextCursor } }`;

  const one = await w.send({ query: page, variables: { after: second.token } });
  // Two tasks created within the same millisecond may come in either order in the list.
  const [shown] = one.body.data.tasks.tasks;
  expect([first.task, second.task]).toContainEqual(shown);
  const rest = shown.id === first.task.id ? second.task : first.task;
  // The rebuild's namespace goes live between the pages, behind the token the first page was read at.
  w.pointTo(() => "new");
  w.foldNewWhenWaited();
  const two = await w.send({ query: page, variables: { cursor: one.body.data.tasks.nextCursor } });

  expect(two.body).toEqual({ data: { tasks: { tasks: [rest], nextCursor: null } } });
});

it("tasks: a page after a cursor of a list known by its tasks only waits for the first page's token before taking the list for none", async () => {
  const w = world();
  // A list from before lists were minted: its tasks were created on a made-up id, which was never registered.
  const listId = "made-up-before-lists-were-minted";
  const first = await unregisteredTask(w, listId, "the first page's");
  const second = await unregisteredTask(w, listId, "the second page's");
  await w.fold("old");
  const page = `query ($listId: String, $cursor: String, $after: String) {
    tasks(listId: $listId, first: 1, cursor: $cursor, after: $after) { tasks { ${TASK} } nextCursor } }`;

  const one = await w.send({ query: page, variables: { listId, after: second.token } });
  // Both were created within a millisecond or so: either may come first in the list's order.
  const [shown] = one.body.data.tasks.tasks;
  expect([first.id, second.id]).toContain(shown?.id);
  const rest = shown?.id === first.id ? second.id : first.id;
  // The rebuild's namespace goes live between the pages and holds none of the list's tasks yet: only the token the
  // cursor carries tells the read to wait for it rather than take the list for one that does not exist.
  w.pointTo(() => "new");
  w.foldNewWhenWaited();
  const two = await w.send({ query: page, variables: { listId, cursor: one.body.data.tasks.nextCursor } });

  expect(two.body).toEqual({
    data: { tasks: { tasks: [expect.objectContaining({ id: rest })], nextCursor: null } },
  });
});

it("query: every field of one request reads one namespace, however often the pointer moves", async () => {
  const w = world();
  const { task } = await unfoldedTask(w, "folded in the old namespace only");
  await w.fold("old");
  // A pointer that answers the other namespace each time it is read: only a request that reads it once answers
  // every field from the same namespace.
  let reads = 0;
  w.pointTo(() => (reads++ % 2 === 0 ? "old" : "new"));

  const answer = await w.send({
    query: `query ($id: String!) { task(id: $id) { ${TASK} } history(id: $id) { type } list { id } }`,
    variables: { id: task.id },
  });

  expect(answer.body).toEqual({
    data: { task, history: [{ type: "TaskCreated" }], list: [{ id: task.id }] },
  });
});
