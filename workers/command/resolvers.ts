/** The GraphQL root: each resolver reads its arguments and calls one named function. */
import type { Context } from "hono";
import type { Task } from "../../shared/domain";
import { createLogger } from "../../shared/http/log";
import { createStatusCache, type StatusCache } from "../../shared/projection/status-cache";
import { changeTask, createTask, type WriteContext } from "./commands";
import type { CommandDeps, RequestDeps } from "./deps";
import type { CommandEnv } from "./env";
import { type IdempotentRequest, idempotent, type Outcome, type RunIntent } from "./idempotency";
import { getTask, listTasks, type ProjectionView, projection, taskHistory, taskPage } from "./queries";

type C = Context<CommandEnv>;

function writeContext(deps: RequestDeps, c: C, idempotencyKey?: string | null): WriteContext {
  const requestId = c.get("requestId");
  return {
    deps,
    metadata: {
      now: new Date().toISOString(),
      requestId,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
    newId: () => crypto.randomUUID(),
    background: (p) => c.executionCtx.waitUntil(p),
    log: createLogger("command", { requestId }),
  };
}

function setToken(c: C, token: string | undefined): void {
  if (token) c.header("x-consistency-token", token);
}

/**
 * A mutation as its idempotency key remembers it. Its request may run as long as a reservation is held (a bound on
 * the append's time limit and the waits around it); until then a retry with its key is "in progress".
 */
function request(
  deps: Pick<CommandDeps, "reservationTtlMs">,
  operation: string,
  args: unknown,
): IdempotentRequest {
  return { operation, args, runsForMs: deps.reservationTtlMs, now: () => Date.now() };
}

/**
 * Runs one mutation: its write context, its idempotency key's claim around `run`, and the consistency token of
 * what it appended on the answer.
 */
async function mutation<T>(
  deps: RequestDeps,
  c: C,
  idempotencyKey: string | null | undefined,
  describe: (ctx: WriteContext) => IdempotentRequest,
  run: (ctx: WriteContext, intent: RunIntent) => Promise<Outcome<T>>,
): Promise<T> {
  const ctx = writeContext(deps, c, idempotencyKey);
  const outcome = await idempotent(
    deps.idempotency,
    idempotencyKey,
    describe(ctx),
    (intent) => run(ctx, intent),
    ctx.log,
  );
  setToken(c, outcome.token);
  return outcome.value;
}

/**
 * The dependencies of one request: the live namespace is resolved when a field first needs it, and every later
 * field of the request gets the same one, so a rebuild switching meanwhile cannot split one answer across two
 * namespaces.
 */
function requestDeps(deps: CommandDeps): () => Promise<RequestDeps> {
  const { live, ...rest } = deps;
  let resolved: Promise<RequestDeps> | undefined;
  return () => {
    resolved ??= live().then((namespace) => ({ ...rest, ...namespace }));
    return resolved;
  };
}

/**
 * The root value of one request: its resolvers, over the request's dependencies and its context. `status` keeps
 * the projection's status for the app's isolate (by default only for this request).
 */
export function rootResolver(
  deps: CommandDeps,
  c: C,
  status: StatusCache<ProjectionView> = createStatusCache(),
) {
  const resolved = requestDeps(deps);
  return {
    list: async (args: {
      offset?: number | null;
      limit?: number | null;
      after?: string | null;
      listId?: string | null;
    }) => listTasks(await resolved(), args),
    tasks: async (args: {
      listId?: string | null;
      first?: number | null;
      cursor?: string | null;
      after?: string | null;
    }) => taskPage(await resolved(), args),
    task: async (args: { id: string; after?: string | null }) => getTask(await resolved(), args),
    history: async (args: {
      id: string;
      after?: string | null;
      offset?: number | null;
      limit?: number | null;
    }) => taskHistory(await resolved(), args),
    projection: async () => projection(await resolved(), status),

    async createTask(args: {
      text: string;
      idempotencyKey?: string | null;
      listId?: string | null;
    }): Promise<Task> {
      // Without a listId the fingerprint is what it always was, so keys stored before lists existed still match.
      const fingerprint = args.listId ? { text: args.text, listId: args.listId } : { text: args.text };
      return mutation(
        await resolved(),
        c,
        args.idempotencyKey,
        (ctx) => ({ ...request(deps, "createTask", fingerprint), taskId: ctx.newId() }),
        async (ctx, { taskId, resumed }) => {
          const intent = { taskId: taskId ?? ctx.newId(), resumed };
          const { task, token } = await createTask(ctx, args.text, intent, args.listId);
          return { value: task, token };
        },
      );
    },

    async updateTask(args: {
      id: string;
      text: string;
      done: boolean;
      expectedVersion?: number | null;
      idempotencyKey?: string | null;
    }): Promise<Task | null> {
      const data = {
        taskId: args.id,
        text: args.text,
        done: args.done,
        expectedVersion: args.expectedVersion ?? null,
      };
      return mutation(
        await resolved(),
        c,
        args.idempotencyKey,
        () => request(deps, "updateTask", data),
        async (ctx, { resumed }) => {
          const command = { type: "UpdateTask" as const, data, metadata: ctx.metadata };
          const { state, token } = await changeTask(ctx, command, resumed);
          return { value: state.status === "active" ? state.task : null, token };
        },
      );
    },

    async deleteTask(args: {
      id: string;
      expectedVersion?: number | null;
      idempotencyKey?: string | null;
    }): Promise<string> {
      const data = { taskId: args.id, expectedVersion: args.expectedVersion ?? null };
      return mutation(
        await resolved(),
        c,
        args.idempotencyKey,
        () => request(deps, "deleteTask", data),
        async (ctx, { resumed }) => {
          const command = { type: "DeleteTask" as const, data, metadata: ctx.metadata };
          const { token } = await changeTask(ctx, command, resumed);
          return { value: args.id, token };
        },
      );
    },
  };
}
