/** The GraphQL root: each resolver reads its arguments and calls one named function. */
import type { Context } from "hono";
import type { Task } from "../../shared/domain";
import type { CommandEnv } from "./app";
import { changeTask, createTask, type WriteContext } from "./commands";
import { formatToken } from "./consistency";
import { getTask, listTasks, projection, taskHistory } from "./queries";

type C = Context<CommandEnv>;

function log(message: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ worker: "command", msg: message, ...fields }));
}

function writeContext(c: C): WriteContext {
  const requestId = c.req.header("x-request-id");
  return {
    deps: c.get("deps"),
    metadata: { now: new Date().toISOString(), ...(requestId ? { requestId } : {}) },
    newId: () => crypto.randomUUID(),
    background: (p) => c.executionCtx.waitUntil(p),
    logger: (message, fields) => log(message, { requestId, ...fields }),
  };
}

function setToken(c: C, position: { partition: number; offset: number } | undefined): void {
  if (position) c.header("x-consistency-token", formatToken(position));
}

export function rootResolver(c: C) {
  const deps = c.get("deps");
  return {
    list: (args: { offset?: number | null; limit?: number | null; after?: string | null }) =>
      listTasks(deps, args),
    task: (args: { id: string; after?: string | null }) => getTask(deps, args),
    history: (args: { id: string }) => taskHistory(deps, args.id),
    projection: () => projection(deps),

    async createTask(args: { text: string }): Promise<Task> {
      const { task, record } = await createTask(writeContext(c), args.text);
      setToken(c, record);
      return task;
    },

    async updateTask(args: {
      id: string;
      text: string;
      done: boolean;
      expectedVersion?: number | null;
    }): Promise<Task | null> {
      const ctx = writeContext(c);
      const { state, records } = await changeTask(ctx, {
        type: "UpdateTask",
        data: {
          taskId: args.id,
          text: args.text,
          done: args.done,
          expectedVersion: args.expectedVersion ?? null,
        },
        metadata: ctx.metadata,
      });
      setToken(c, records[records.length - 1]);
      return state.status === "active" ? state.task : null;
    },

    async deleteTask(args: { id: string; expectedVersion?: number | null }): Promise<string> {
      const ctx = writeContext(c);
      const { records } = await changeTask(ctx, {
        type: "DeleteTask",
        data: { taskId: args.id, expectedVersion: args.expectedVersion ?? null },
        metadata: ctx.metadata,
      });
      setToken(c, records[records.length - 1]);
      return args.id;
    },
  };
}
