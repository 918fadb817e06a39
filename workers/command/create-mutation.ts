/**
 * createTask as a mutation: its list opened (with the list's size, for the bound), its idempotency key claimed, the
 * task created. On a named list the isolate knows, the claim is sent along with the look, so that a create with a
 * key waits for one round trip before its append, as one on the default list does, rather than for the look and then
 * the claim; and a create without a key is appended while its look is on the way, waiting for none.
 */
import type { Context } from "hono";
import type { Task } from "../../shared/domain";
import { UpstreamError } from "../../shared/errors";
import { editable, type Scope, scopeList } from "./access";
import { createTask } from "./commands";
import { parseToken } from "./consistency/token";
import type { CommandDeps, RequestDeps } from "./deps";
import type { CommandEnv } from "./env";
import { mutation, request } from "./mutation";
import {
  cipherOf,
  cipherOfKey,
  expectedKey,
  fingerprintText,
  keyOf,
  knownList,
  noteCreated,
  openTask,
} from "./sealing";
import { ListFullError } from "./service-errors";

type C = Context<CommandEnv>;

export interface CreateArgs {
  text: string;
  idempotencyKey?: string | null;
  listId?: string | null;
}

/** The list the look opened holds another key than the one its request's fingerprint was made with. */
class KeyNotAsExpected extends Error {
  override readonly name = "KeyNotAsExpected";
}

/**
 * Creates a task on the list `open` opens (its look sent when called: see the request's scopes in resolvers.ts).
 *
 * The claim holds the request's fingerprint, and on a sealed list that is a digest of the text under the list's key
 * (the words never rest in Redis, and the digest means nothing once a purge destroys the key), which only the look
 * reads. A digest under anything else a request carries (its list id, its idempotency key) could be brute-forced
 * from Redis alone, and a claim written without the text and completed later would let a retry with other words
 * take over the claim of a request that died. So the claim goes with the look only when the isolate already knows
 * the list's key (it opened the list lately: `expectedKey`); the first create of a list in an isolate looks, then
 * claims. The look still decides: a refusal is the answer and the claim is dropped; a key other than the one
 * expected (never seen: a list's key does not change while it exists) drops the claim too, and the create runs
 * again, look first. The default list has no look to wait for: its access check comes before the claim, so a
 * refused caller writes nothing.
 */
export async function createMutation(
  deps: CommandDeps,
  d: RequestDeps,
  c: C,
  open: () => Promise<Scope>,
  args: CreateArgs,
): Promise<Task> {
  const opening = () =>
    open().then((opened) => {
      const scope = editable(opened);
      if (scope.kind === "list" && (scope.size ?? 0) >= deps.maxListTasks)
        throw new ListFullError(deps.maxListTasks);
      return scope;
    });
  if (!args.idempotencyKey && args.listId) {
    const known = knownList(args.listId);
    if (known?.size !== undefined && known.size + 1 < deps.maxListTasks)
      return createBesideLook(deps, d, c, opening(), args, args.listId, known.key);
  }
  const expected = args.idempotencyKey && args.listId ? expectedKey(args.listId) : undefined;
  if (expected !== undefined) {
    // The digest first: the look and the claim then leave in the same tick (one pipeline of the Redis client).
    const text = await fingerprintText(cipherOfKey(expected), args.text);
    const scope = opening().then((opened) => {
      if (keyOf(opened) !== expected) throw new KeyNotAsExpected();
      return opened;
    });
    try {
      return await created(deps, d, c, args, text, scope);
    } catch (err) {
      if (!(err instanceof KeyNotAsExpected)) throw err;
    }
  }
  const scope = await opening();
  const text = args.idempotencyKey ? await fingerprintText(cipherOf(scope), args.text) : args.text;
  return created(deps, d, c, args, text, Promise.resolve(scope));
}

/** Runs the create once `scope` admits it; `text`: what its fingerprint holds of the words (see sealing.ts). */
async function created(
  deps: CommandDeps,
  d: RequestDeps,
  c: C,
  args: CreateArgs,
  text: string,
  scope: Promise<Scope>,
): Promise<Task> {
  // Without a listId the fingerprint is what it always was, so keys stored before lists existed still match.
  const fingerprint = args.listId ? { text, listId: args.listId } : { text };
  const task = await mutation(
    d,
    c,
    args.idempotencyKey,
    (ctx) => ({ ...request(deps, "createTask", fingerprint), taskId: ctx.newId() }),
    async (ctx, { taskId, resumed }) => {
      const opened = await scope;
      const intent = { taskId: taskId ?? ctx.newId(), resumed };
      const listId = scopeList(opened);
      const { task, token } = await createTask(ctx, args.text, intent, listId, cipherOf(opened));
      if (listId !== undefined && token !== undefined)
        noteCreated(listId, parseToken(token, d.log.partitions));
      return { value: task, token };
    },
    scope,
  );
  return openTask(cipherOf(await scope), task);
}

/**
 * A create without an idempotency key on a list the isolate opened lately, with room for one more task by what it
 * knows of the list's size (see sealing.ts `knownList`): sealed with the key it remembers and appended while its look
 * is on the way, so that it waits for no Redis round trip before its append, as a create on the default list does.
 * The look still decides the answer: a list purged since (or gone otherwise) answers NOT_FOUND, and what was
 * appended folds into nothing (the fold drops the tasks of a purged list, in whichever order it meets them). A look
 * that finds the list full, or that fails, leaves the create standing, since it was appended: like creates racing
 * for a list's last places, it may pass the bound (by the creates other isolates made since this one looked). There
 * is no claim to send without an idempotency key.
 */
async function createBesideLook(
  deps: CommandDeps,
  d: RequestDeps,
  c: C,
  look: Promise<Scope>,
  args: CreateArgs,
  listId: string,
  key: string | null,
): Promise<Task> {
  const cipher = cipherOfKey(key);
  const creating = mutation(
    d,
    c,
    undefined,
    (ctx) => ({ ...request(deps, "createTask", { text: args.text, listId }), taskId: ctx.newId() }),
    async (ctx, { taskId, resumed }) => {
      const intent = { taskId: taskId ?? ctx.newId(), resumed };
      const { task, token } = await createTask(ctx, args.text, intent, listId, cipher);
      if (token !== undefined) noteCreated(listId, parseToken(token, d.log.partitions));
      return { value: task, token };
    },
  );
  const [looked, created] = await Promise.allSettled([look, creating]);
  if (looked.status === "rejected") {
    const standing = looked.reason instanceof ListFullError || looked.reason instanceof UpstreamError;
    if (created.status === "rejected") throw standing ? created.reason : looked.reason;
    if (!standing) {
      // The answer is the refusal: no consistency token names a write the client is told did not happen.
      c.header("x-consistency-token", undefined);
      throw looked.reason;
    }
  } else if (keyOf(looked.value) !== key) {
    throw new Error(
      `list ${listId}'s data key is not the one the isolate sealed with: a list's key never changes`,
    );
  }
  if (created.status === "rejected") throw created.reason;
  return openTask(cipher, created.value);
}
