/** The GraphQL root: each resolver reads its arguments and calls one named function. */
import type { Context } from "hono";
import type { Task } from "../../shared/domain";
import type { LogRecord } from "../../shared/event-log/port";
import { createLogger } from "../../shared/http/log";
import { changeTask, createTask, type WriteContext } from "./commands";
import { formatToken } from "./consistency";
import type { CommandDeps } from "./deps";
import type { CommandEnv } from "./env";
import { type IdempotentRequest, idempotent } from "./idempotency";
import { getTask, listTasks, projection, taskHistory } from "./queries";

type C = Context<CommandEnv>;

function writeContext(deps: CommandDeps, c: C, idempotencyKey?: string | null): WriteContext {
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

function tokenOf(records: LogRecord[]): string | undefined {
  const last = records[records.length - 1];
  return last ? formatToken(last) : undefined;
}

/**
 * A mutation as its idempotency key remembers it. Its request may run as long as a reservation is held (a bound on
 * the append's time limit and the waits around it); until then a retry with its key is "in progress".
 */
function request(deps: CommandDeps, operation: string, args: unknown): IdempotentRequest {
  return { operation, args, runsForMs: deps.reservationTtlMs, now: () => Date.now() };
}

/** The root value of one request: its resolvers, over the request's dependencies and its context. */
export function rootResolver(deps: CommandDeps, c: C) {
  return {
    list: (args: {
      offset?: number | null;
      limit?: number | null;
      after?: string | null;
      listId?: string | null;
    }) => listTasks(deps, args),
    task: (args: { id: string; after?: string | null }) => getTask(deps, args),
    history: (args: { id: string; after?: string | null }) => taskHistory(deps, args),
    projection: () => projection(deps),

    async createTask(args: {
      text: string;
      idempotencyKey?: string | null;
      listId?: string | null;
    }): Promise<Task> {
      const ctx = writeContext(deps, c, args.idempotencyKey);
      // Without a listId the fingerprint is what it always was, so keys stored before lists existed still match.
      const fingerprint = args.listId ? { text: args.text, listId: args.listId } : { text: args.text };
      const outcome = await idempotent(
        deps.idempotency,
        args.idempotencyKey,
        { ...request(deps, "createTask", fingerprint), taskId: ctx.newId() },
        async ({ taskId, resumed }) => {
          const { task, record } = await createTask(
            ctx,
            args.text,
            { taskId: taskId ?? ctx.newId(), resumed },
            args.listId,
          );
          return { value: task, ...(record ? { token: formatToken(record) } : {}) };
        },
        ctx.log,
      );
      setToken(c, outcome.token);
      return outcome.value;
    },

    async updateTask(args: {
      id: string;
      text: string;
      done: boolean;
      expectedVersion?: number | null;
      idempotencyKey?: string | null;
    }): Promise<Task | null> {
      const ctx = writeContext(deps, c, args.idempotencyKey);
      const data = {
        taskId: args.id,
        text: args.text,
        done: args.done,
        expectedVersion: args.expectedVersion ?? null,
      };
      const outcome = await idempotent(
        deps.idempotency,
        args.idempotencyKey,
        request(deps, "updateTask", data),
        async ({ resumed }) => {
          const { state, records } = await changeTask(
            ctx,
            { type: "UpdateTask", data, metadata: ctx.metadata },
            resumed,
          );
          return { value: state.status === "active" ? state.task : null, token: tokenOf(records) };
        },
        ctx.log,
      );
      setToken(c, outcome.token);
      return outcome.value;
    },

    async deleteTask(args: {
      id: string;
      expectedVersion?: number | null;
      idempotencyKey?: string | null;
    }): Promise<string> {
      const ctx = writeContext(deps, c, args.idempotencyKey);
      const data = { taskId: args.id, expectedVersion: args.expectedVersion ?? null };
      const outcome = await idempotent(
        deps.idempotency,
        args.idempotencyKey,
        request(deps, "deleteTask", data),
        async ({ resumed }) => {
          const { records } = await changeTask(
            ctx,
            { type: "DeleteTask", data, metadata: ctx.metadata },
            resumed,
          );
          return { value: args.id, token: tokenOf(records) };
        },
        ctx.log,
      );
      setToken(c, outcome.token);
      return outcome.value;
    },
  };
}
