/** The GraphQL root: each resolver reads its arguments and calls one named function. */
import type { Context } from "hono";
import { type Task, validateListId } from "../../shared/domain";
import { composedListReads } from "../../shared/lists/reads";
import { createStatusCache, type StatusCache } from "../../shared/projection/status-cache";
import { editable, openScope, openScopeWith, type Scope, scopeList } from "./access";
import { changeTask } from "./commands";
import { awaitToken } from "./consistency/wait";
import { createMutation } from "./create-mutation";
import type { CommandDeps, RequestDeps } from "./deps";
import type { CommandEnv } from "./env";
import { createList, listInfo, purgeList } from "./lists";
import { changeMutation, type EditScope, mutation, request, withList } from "./mutation";
import {
  getTask,
  listTasks,
  type Opener,
  type ProjectionView,
  projection,
  taskHistory,
  taskPage,
} from "./queries";
import { cipherOf, forgetList, noteList, openTask, openTasks } from "./sealing";

type C = Context<CommandEnv>;

/**
 * The dependencies of one request: the live namespace is resolved when a field first needs it, and every later
 * field of the request gets the same one, so a rebuild switching meanwhile cannot split one answer across two
 * namespaces.
 */
function requestDeps(deps: CommandDeps, c: C): () => Promise<RequestDeps> {
  const { live, ...rest } = deps;
  let resolved: Promise<RequestDeps> | undefined;
  return () => {
    // When the isolate's copy of the pointer is a few seconds old, it is read again beside the request, not before it.
    resolved ??= live((work) => c.executionCtx.waitUntil(work)).then((namespace) => ({
      ...rest,
      ...namespace,
      listReads: namespace.listReads ?? composedListReads(rest.lists, namespace.store),
    }));
    return resolved;
  };
}

/**
 * What a look found, the key of the list it opened remembered by the isolate (see sealing.ts), or the list
 * forgotten when the look refused the request.
 */
async function noted<T>(
  listId: string | null | undefined,
  look: Promise<T>,
  scopeOf: (found: T) => Scope,
): Promise<T> {
  try {
    const found = await look;
    noteList(scopeOf(found));
    return found;
  } catch (err) {
    if (listId) forgetList(listId);
    throw err;
  }
}

type ListArg = { listId?: string | null };
/** The arguments every change of a task in place takes besides its own. */
type ChangeArgs = { expectedVersion?: number | null; idempotencyKey?: string | null } & ListArg;

/**
 * The root value of one request: its resolvers, over the request's dependencies and its context. `status` keeps
 * the projection's status for the app's isolate (by default only for this request).
 */
export function rootResolver(
  deps: CommandDeps,
  c: C,
  status: StatusCache<ProjectionView> = createStatusCache(),
) {
  const resolved = requestDeps(deps, c);
  /** The request's deps and the scope its `listId` opens (see access.ts), for `listInfo` or a mutation. */
  // Each listId is opened once per request, however many of those fields name it (a read field opens its list
  // with the look that reads it, below).
  const opened = new Map<string, Promise<Scope>>();
  /** The scope `listId` opens (`withSize`: with its list's size), its look sent at once (see create-mutation.ts). */
  const open = (d: RequestDeps, listId: string | null | undefined, withSize: boolean) => {
    const key = `${listId ?? ""} ${withSize}`;
    let scope = opened.get(key);
    if (!scope) {
      scope = noted(listId, openScope(d, c.req.header("authorization"), listId, withSize), (s) => s);
      opened.set(key, scope);
    }
    return scope;
  };
  const scoped = async (listId: string | null | undefined, need: "read" | "edit") => {
    const d = await resolved();
    const scope = await open(d, listId, false);
    return { d, scope: need === "read" ? scope : editable(scope) };
  };
  const editScope: EditScope = (listId) => scoped(listId, "edit");
  /** A read field's scope, opened by the look that reads its list too (one Redis request on a named list). */
  const opener =
    (d: RequestDeps, listId: string | null | undefined): Opener =>
    (read, after) => {
      const settle = after ? () => awaitToken(d, after) : undefined;
      const look = openScopeWith(d, c.req.header("authorization"), listId, read, settle);
      return noted(listId, look, (found) => found.scope);
    };
  return {
    list: async (
      args: { offset?: number | null; limit?: number | null; after?: string | null } & ListArg,
    ) => {
      const d = await resolved();
      const { scope, tasks } = await listTasks(d, args, opener(d, args.listId));
      return openTasks(cipherOf(scope), tasks);
    },
    tasks: async (
      args: { first?: number | null; cursor?: string | null; after?: string | null } & ListArg,
    ) => {
      const d = await resolved();
      const { scope, ...page } = await taskPage(d, args, opener(d, args.listId));
      return { ...page, tasks: await openTasks(cipherOf(scope), page.tasks) };
    },
    task: async (args: { id: string; after?: string | null } & ListArg) => {
      const d = await resolved();
      const { scope, task } = await getTask(d, args, opener(d, args.listId));
      return openTask(cipherOf(scope), task);
    },
    history: async (
      args: { id: string; after?: string | null; offset?: number | null; limit?: number | null } & ListArg,
    ) => {
      const d = await resolved();
      const { scope, entries } = await taskHistory(d, args, opener(d, args.listId));
      const cipher = cipherOf(scope);
      // A deleted task's words too are opened only for a holder of its list's capability (the scope checked it).
      return Promise.all(
        entries.map(async (e) => ({
          ...e,
          text: cipher && e.text !== null ? await cipher.open(e.text) : e.text,
        })),
      );
    },
    listInfo: async (args: { listId: string }) => listInfo((await scoped(args.listId, "read")).scope),
    projection: async () => projection(await resolved(), status),

    async createList(args: { title?: string | null }) {
      return mutation(
        await resolved(),
        c,
        undefined,
        () => request(deps, "createList", { title: args.title ?? null }),
        async (ctx) => {
          const { list, token } = await createList(ctx, args.title);
          return { value: list, token };
        },
      );
    },

    async purgeList(args: { listId: string }) {
      const invalid = validateListId(args.listId);
      if (invalid) throw invalid;
      forgetList(args.listId);
      return mutation(
        await resolved(),
        c,
        undefined,
        () => request(deps, "purgeList", args),
        async (ctx) => {
          const { id, token } = await purgeList(ctx, args.listId);
          return { value: id, token };
        },
      );
    },

    async createTask(args: { text: string; idempotencyKey?: string | null } & ListArg): Promise<Task> {
      const d = await resolved();
      return createMutation(deps, d, c, () => open(d, args.listId, true), args);
    },

    async updateTask(args: { id: string; text: string; done: boolean } & ChangeArgs): Promise<Task | null> {
      const data = {
        taskId: args.id,
        text: args.text,
        done: args.done,
        expectedVersion: args.expectedVersion ?? null,
      };
      return changeMutation(deps, c, editScope, { type: "UpdateTask", data }, args);
    },

    async renameTask(args: { id: string; text: string } & ChangeArgs): Promise<Task | null> {
      const data = { taskId: args.id, text: args.text, expectedVersion: args.expectedVersion ?? null };
      return changeMutation(deps, c, editScope, { type: "RenameTask", data }, args);
    },

    async completeTask(args: { id: string } & ChangeArgs): Promise<Task | null> {
      const data = { taskId: args.id, expectedVersion: args.expectedVersion ?? null };
      return changeMutation(deps, c, editScope, { type: "CompleteTask", data }, args);
    },

    async reopenTask(args: { id: string } & ChangeArgs): Promise<Task | null> {
      const data = { taskId: args.id, expectedVersion: args.expectedVersion ?? null };
      return changeMutation(deps, c, editScope, { type: "ReopenTask", data }, args);
    },

    async deleteTask(
      args: {
        id: string;
        expectedVersion?: number | null;
        idempotencyKey?: string | null;
      } & ListArg,
    ): Promise<string> {
      const data = { taskId: args.id, expectedVersion: args.expectedVersion ?? null };
      const { d, scope } = await scoped(args.listId, "edit");
      return mutation(
        d,
        c,
        args.idempotencyKey,
        () => request(deps, "deleteTask", withList(data, args.listId)),
        async (ctx, { resumed }) => {
          const command = { type: "DeleteTask" as const, data, metadata: ctx.metadata };
          const { token } = await changeTask(ctx, command, resumed, scopeList(scope), cipherOf(scope));
          return { value: args.id, token };
        },
      );
    },
  };
}
