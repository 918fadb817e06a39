/**
 * Live updates through the real protocol: the unmodified `graphql-ws` client (over the `ws` package) subscribes to
 * `listChanged` on the command worker in workerd, whose list hub (a Durable Object, WebSocket hibernation) is told
 * of each applied batch by the projector; mutations go over HTTP as any client sends them. Covered: delivery of a
 * create, rename, completion and delete, in version order; a view id subscribing; refusals with a close reason
 * (no capability, another list, garbage) that leave the hub up for the others; a reconnect that catches up by
 * reading with the last token; a purge closing the list's sockets; HTTP refusing a subscription.
 */
import { type Client, createClient } from "graphql-ws";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { TestSystem } from "../support/system";
import { eventually } from "./support/command-support";
import { useSystem } from "./support/use-system";

const sys = useSystem({ live: true });

const FIELDS = "id text done version";
const SUBSCRIBE = `subscription ($listId: String!) { listChanged(listId: $listId) { token deleted tasks { ${FIELDS} } } }`;
const CREATE_LIST = 'mutation { createList(title: "live") { id viewId } }';
const CREATE = `mutation ($text: String!, $listId: String) { createTask(text: $text, listId: $listId) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: String!, $text: String!, $done: Boolean!, $listId: String) {
  updateTask(id: $id, text: $text, done: $done, listId: $listId) { ${FIELDS} } }`;
const DELETE = "mutation ($id: String!, $listId: String) { deleteTask(id: $id, listId: $listId) }";

interface Task {
  id: string;
  text: string;
  done: boolean;
  version: number;
}
interface Change {
  /** Null on a subscription's opening message only. */
  token: string | null;
  deleted: string[];
  tasks: Task[];
}

async function mint(s: TestSystem): Promise<{ id: string; viewId: string }> {
  const answer = await s.graphql(CREATE_LIST);
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data.createList;
}

async function mutate(s: TestSystem, query: string, variables: Record<string, unknown>) {
  const answer = await s.graphql(query, variables);
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data;
}

const wsUrl = (s: TestSystem, listId: string) =>
  `${s.commandUrl.replace(/^http/, "ws")}/graphql?listId=${encodeURIComponent(listId)}`;

/** A graphql-ws client subscribed to a list: what it received, and how its subscription ended. */
function subscriber(s: TestSystem, capability: string, subscribeAs = capability) {
  const changes: Change[] = [];
  let ended: { error?: unknown; completed?: boolean } | undefined;
  let opening: Change | undefined;
  const client: Client = createClient({
    url: wsUrl(s, capability),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // A refusal is asserted through the sink; the default would print it too.
    onNonLazyError: () => undefined,
  });
  const unsubscribe = client.subscribe<{ listChanged: Change }>(
    { query: SUBSCRIBE, variables: { listId: subscribeAs } },
    {
      next: (result) => {
        const change = result.data?.listChanged;
        if (!change) ended = { error: result.errors };
        else if (opening === undefined && changes.length === 0 && change.token === null) opening = change;
        else changes.push(change);
      },
      error: (error) => (ended = { error }),
      complete: () => (ended ??= { completed: true }),
    },
  );
  return {
    changes,
    client,
    unsubscribe,
    ended: () => ended,
    /** The subscription's opening message: from then on, every change the projector applies reaches it. */
    ready: () => eventually(async () => opening, "the subscription's opening message"),
    /** The latest state of each task received, deletions applied. */
    view(): Map<string, Task> {
      const seen = new Map<string, Task>();
      for (const change of changes) {
        for (const task of change.tasks) seen.set(task.id, task);
        for (const id of change.deleted) seen.delete(id);
      }
      return seen;
    },
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
}

/** A raw socket's close code and reason. */
function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

describe("listChanged over graphql-transport-ws", () => {
  it("opens each subscription with a message that changes nothing, after which every change arrives", async () => {
    const s = sys();
    const list = await mint(s);
    const sub = subscriber(s, list.id);
    // Sent as the subscribe is taken: a client reads the list to catch up once it has this, not at the ack.
    expect(await sub.ready()).toEqual({ token: null, tasks: [], deleted: [] });
    const { createTask } = await mutate(s, CREATE, { text: "right after the opening", listId: list.id });
    await eventually(async () => (sub.view().has(createTask.id) ? true : undefined), "the create to arrive");
    expect(sub.changes.map((c) => c.tasks.map((t) => t.id))).toEqual([[createTask.id]]);
    await sub.close();
  });

  it("delivers a create, a rename, a completion and a delete, in order, with their tokens", async () => {
    const s = sys();
    const list = await mint(s);
    const sub = subscriber(s, list.id);
    await sub.ready();
    const { createTask } = await mutate(s, CREATE, { text: "buy milk", listId: list.id });
    await mutate(s, UPDATE, { id: createTask.id, text: "buy oat milk", done: false, listId: list.id });
    await mutate(s, UPDATE, { id: createTask.id, text: "buy oat milk", done: true, listId: list.id });
    await eventually(
      async () => (sub.view().get(createTask.id)?.done ? true : undefined),
      "the completion to arrive",
    );
    expect(sub.view().get(createTask.id)).toMatchObject({ text: "buy oat milk", done: true, version: 3 });
    // Never out of order: the versions of a task as received only grow.
    const versions = sub.changes.flatMap((c) =>
      c.tasks.filter((t) => t.id === createTask.id).map((t) => t.version),
    );
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(sub.changes.every((c) => /^\d+:\d+$/.test(c.token ?? "none"))).toBe(true);

    await mutate(s, DELETE, { id: createTask.id, listId: list.id });
    await eventually(
      async () => (sub.changes.some((c) => c.deleted.includes(createTask.id)) ? true : undefined),
      "the delete to arrive",
    );
    expect(sub.view().has(createTask.id)).toBe(false);
    await sub.close();
  });

  it("a completed subscription gets nothing more, while another on the same socket goes on", async () => {
    const s = sys();
    const list = await mint(s);
    const kept = subscriber(s, list.id);
    await kept.ready();
    // A second subscription on the same client, hence the same socket.
    const ended: Change[] = [];
    const stop = kept.client.subscribe<{ listChanged: Change }>(
      { query: SUBSCRIBE, variables: { listId: list.id } },
      {
        next: (r) => r.data && ended.push(r.data.listChanged),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    const { createTask: seen } = await mutate(s, CREATE, { text: "both see this", listId: list.id });
    await eventually(
      async () => (ended.some((c) => c.tasks.some((t) => t.id === seen.id)) ? true : undefined),
      "the second subscription's change",
    );
    stop();
    const before = ended.length;
    const { createTask: first } = await mutate(s, CREATE, { text: "after complete", listId: list.id });
    const { createTask: second } = await mutate(s, CREATE, { text: "and after that", listId: list.id });
    // Messages on one socket arrive in order: once the kept subscription has the later change, the completed one
    // would have had the earlier one by then.
    await eventually(
      async () => (kept.view().has(second.id) ? true : undefined),
      "the kept subscription's change",
    );
    expect(kept.view().has(first.id)).toBe(true);
    expect(ended.length).toBe(before);
    await kept.close();
  });

  it("serves a view id, and refuses a subscription naming another list than the socket's", async () => {
    const s = sys();
    const list = await mint(s);
    const other = await mint(s);
    const viewer = subscriber(s, list.viewId);
    await viewer.ready();
    const { createTask } = await mutate(s, CREATE, { text: "seen by the viewer", listId: list.id });
    await eventually(
      async () => (viewer.view().has(createTask.id) ? true : undefined),
      "the viewer's change",
    );
    await viewer.close();

    const wrong = subscriber(s, list.id, other.id);
    const ended = await eventually(async () => wrong.ended(), "the refusal");
    expect(JSON.stringify(ended.error)).toContain("this socket was opened for another list");
    await wrong.close();
  });

  it("closes a socket without the list's capability with a reason, and one that sends garbage, the hub serving others", async () => {
    const s = sys();
    const list = await mint(s);
    const stranger = new WebSocket(wsUrl(s, "AAAAAAAAAAAAAAAAAAAAAA"), "graphql-transport-ws");
    expect(await closeOf(stranger)).toEqual({
      code: 4403,
      reason: "Forbidden: no list has this id (a list is reached only with its link)",
    });

    const sub = subscriber(s, list.id);
    await sub.ready();
    const rude = new WebSocket(wsUrl(s, list.id), "graphql-transport-ws");
    const rudeClosed = closeOf(rude);
    await new Promise((resolve) => rude.once("open", resolve));
    rude.send("this is not a graphql-ws message");
    expect(await rudeClosed).toEqual({ code: 4400, reason: "Invalid message received" });

    const { createTask } = await mutate(s, CREATE, { text: "after the garbage", listId: list.id });
    await eventually(async () => (sub.view().has(createTask.id) ? true : undefined), "the others' change");
    await sub.close();
  });

  it("after a reconnect, the client catches up by reading with its last token", async () => {
    const s = sys();
    const list = await mint(s);
    const first = subscriber(s, list.id);
    await first.ready();
    const { createTask } = await mutate(s, CREATE, { text: "before the outage", listId: list.id });
    await eventually(async () => (first.view().has(createTask.id) ? true : undefined), "the first change");
    const lastToken = first.changes.at(-1)?.token;
    await first.close();

    // Changed while no socket is open: nothing can deliver these.
    const missed = await mutate(s, UPDATE, {
      id: createTask.id,
      text: "renamed offline",
      done: true,
      listId: list.id,
    });
    const added = await mutate(s, CREATE, { text: "added offline", listId: list.id });

    const second = subscriber(s, list.id);
    await second.ready();
    // Catch-up: read the list (at least as far as the last token seen), then apply what the socket sends on top.
    const read = await s.graphql(
      `query ($listId: String, $after: String) { tasks(listId: $listId, after: $after) { tasks { ${FIELDS} } } }`,
      {
        listId: list.id,
        after: lastToken,
      },
    );
    const known = new Map<string, Task>(read.body.data.tasks.tasks.map((t: Task) => [t.id, t]));
    await eventually(async () => {
      for (const [id, task] of second.view())
        if ((known.get(id)?.version ?? 0) < task.version) known.set(id, task);
      const renamed = known.get(createTask.id);
      return renamed?.version === missed.updateTask.version && known.has(added.createTask.id)
        ? true
        : undefined;
    }, "the catch-up to converge");
    expect(known.get(createTask.id)).toMatchObject({ text: "renamed offline", done: true });
    await second.close();
  });

  it("a purge closes the list's sockets, saying why", async () => {
    const s = sys();
    const list = await mint(s);
    const sub = subscriber(s, list.id);
    await sub.ready();
    await mutate(s, "mutation ($listId: String!) { purgeList(listId: $listId) }", { listId: list.id });
    const ended = await eventually(async () => sub.ended(), "the socket to close");
    expect(ended.error).toMatchObject({ code: 4404, reason: "The list was purged: it no longer exists" });
    await sub.close();
  });

  it("answers a keep-alive ping with a pong, before and after connection_init", async () => {
    const s = sys();
    const list = await mint(s);
    const socket = new WebSocket(wsUrl(s, list.id), "graphql-transport-ws");
    const messages: string[] = [];
    socket.on("message", (data) => messages.push(data.toString()));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "ping" }));
    await eventually(async () => (messages.includes('{"type":"pong"}') ? true : undefined), "the first pong");
    socket.send(JSON.stringify({ type: "connection_init" }));
    await eventually(
      async () => (messages.includes('{"type":"connection_ack"}') ? true : undefined),
      "the ack",
    );
    socket.send(JSON.stringify({ type: "ping" }));
    await eventually(
      async () => (messages.filter((m) => m === '{"type":"pong"}').length === 2 ? true : undefined),
      "the second pong",
    );
    socket.close();
  });

  it("POST /live refuses a notice without the secret, and one with a wrong one", async () => {
    const s = sys();
    const notice = JSON.stringify({ namespace: "x", token: "0:0", lists: {} });
    for (const authorization of [undefined, "Bearer not-the-secret"]) {
      const res = await fetch(`${s.commandUrl}/live`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization && { authorization }) },
        body: notice,
      });
      expect(res.status).toBe(401);
    }
  });

  it("closes a socket that sends more messages than a client needs (each wakes the hub), the others going on", async () => {
    const s = sys();
    const list = await mint(s);
    const socket = new WebSocket(wsUrl(s, list.id), "graphql-transport-ws");
    const closed = closeOf(socket);
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init" }));
    for (let i = 0; i < 100; i++) socket.send(JSON.stringify({ type: "pong" }));
    expect(await closed).toEqual({ code: 1008, reason: "Too many messages: at most 60 a minute" });
  });

  it("HTTP answers a subscription with where to run it", async () => {
    const s = sys();
    const list = await mint(s);
    const answer = await s.graphql(SUBSCRIBE, { listId: list.id });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toContain("A subscription runs over a WebSocket");
  });
});
