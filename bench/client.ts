/**
 * What the benchmarks send: GraphQL operations to a command worker (the original walkthrough's queries, which
 * both designs answer), and QStash-signed pokes straight to a projector's webhook.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import type { DesignPair } from "./system";

export interface TaskView {
  id: string;
  text: string;
  done: boolean;
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string }>;
}

/** POSTs an operation and returns its `data`; any error (HTTP or GraphQL) throws. */
export async function graphql(
  pair: DesignPair,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${pair.commandUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GraphQLBody;
  if (!res.ok || body.errors || !body.data) {
    throw new Error(`${pair.design} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return body.data;
}

const CREATE = "mutation ($text: String!) { createTask(text: $text) { id text done } }";
const CREATE_ON =
  "mutation ($text: String!, $listId: String!) { createTask(text: $text, listId: $listId) { id text done } }";
const UPDATE =
  "mutation ($id: String!, $text: String!, $done: Boolean!) { updateTask(id: $id, text: $text, done: $done) { id text done } }";
const DELETE = "mutation ($id: String!) { deleteTask(id: $id) }";
const LIST = "query { list { id text done } }";

const CREATE_KEYED =
  "mutation ($text: String!, $listId: String, $key: String!) { createTask(text: $text, listId: $listId, idempotencyKey: $key) { id text done } }";

/**
 * Creates a task on the default list, or (ours only) on the named list `listId`; with `idempotencyKey` (ours only)
 * as the app sends every change.
 */
export async function createTask(
  pair: DesignPair,
  text: string,
  listId?: string,
  idempotencyKey?: string,
): Promise<TaskView> {
  const data = await (idempotencyKey !== undefined
    ? graphql(pair, CREATE_KEYED, { text, listId: listId ?? null, key: idempotencyKey })
    : listId === undefined
      ? graphql(pair, CREATE, { text })
      : graphql(pair, CREATE_ON, { text, listId }));
  return data.createTask as TaskView;
}

/** Mints a named list on ours (its words sealed under a key of its own) and returns its id. */
export async function createList(pair: DesignPair, title: string): Promise<string> {
  const data = await graphql(pair, "mutation ($title: String) { createList(title: $title) { id } }", {
    title,
  });
  return (data.createList as { id: string }).id;
}

export async function updateTask(pair: DesignPair, task: TaskView): Promise<TaskView> {
  const data = await graphql(pair, UPDATE, { id: task.id, text: task.text, done: task.done });
  return data.updateTask as TaskView;
}

export async function deleteTask(pair: DesignPair, id: string): Promise<string> {
  const data = await graphql(pair, DELETE, { id });
  return data.deleteTask as string;
}

const PAGE =
  "query ($cursor: String) { tasks(first: 500, cursor: $cursor) { tasks { id text done } nextCursor } }";
const PAGE_OF =
  "query ($cursor: String, $listId: String!) { tasks(first: 500, cursor: $cursor, listId: $listId) { tasks { id text done } nextCursor } }";

/**
 * Every task of the default list. The baseline answers them in one `list`; ours answers at most 500 per request
 * (a bound on what one request may cost), so it reads them page by page with `tasks`, as a client does.
 */
export async function listTasks(pair: DesignPair): Promise<TaskView[]> {
  if (pair.design === "baseline") return (await graphql(pair, LIST)).list as TaskView[];
  return (await listPages(pair)).tasks;
}

/**
 * Every task of ours' default list (or of the named list `listId`), page by page; with `countBytes`, the bytes of
 * all the answers too (0 without: encoding the answers again to count them would be timed with the read).
 */
export async function listPages(
  pair: DesignPair,
  listId?: string,
  countBytes = false,
): Promise<{ tasks: TaskView[]; bytes: number }> {
  const tasks: TaskView[] = [];
  let bytes = 0;
  let cursor: string | null = null;
  do {
    const data = await (listId === undefined
      ? graphql(pair, PAGE, { cursor })
      : graphql(pair, PAGE_OF, { cursor, listId }));
    if (countBytes) bytes += Buffer.byteLength(JSON.stringify({ data }));
    const page = data.tasks as { tasks: TaskView[]; nextCursor: string | null };
    tasks.push(...page.tasks);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { tasks, bytes };
}

function base64url(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString("base64url");
}

/** An `Upstash-Signature` JWT (HS256) for `body`, made as QStash makes it, with the current signing key. */
export function signPoke(pair: DesignPair, body: string): string {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    iss: "Upstash",
    sub: pair.webhook,
    exp: iat + 300,
    nbf: iat,
    iat,
    jti: `jwt_${randomUUID()}`,
    body: base64url(createHash("sha256").update(body, "utf8").digest()),
  };
  const head = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  const key = Buffer.from(pair.env.QSTASH_CURRENT_SIGNING_KEY ?? "", "utf8");
  return `${head}.${base64url(createHmac("sha256", key).update(head).digest())}`;
}

/** Delivers a signed poke to the projector directly (as QStash would) and returns its JSON answer. */
export async function poke(pair: DesignPair, body = "{}"): Promise<unknown> {
  const res = await fetch(pair.webhook, {
    method: "POST",
    headers: { "content-type": "application/json", "upstash-signature": signPoke(pair, body) },
    body,
  });
  const answer: unknown = await res.json();
  if (!res.ok) throw new Error(`${pair.design} projector answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}
