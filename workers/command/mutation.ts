/**
 * What every mutation resolver runs in: its write context, its idempotency key's claim, the consistency token on
 * the answer; and the one path of the mutations that change a task in place (updateTask and the intents).
 */
import type { Context } from "hono";
import type { Task, TaskCommand } from "../../shared/domain";
import { createLogger } from "../../shared/http/log";
import { type Scope, scopeList } from "./access";
import { changeTask, type WriteContext } from "./commands";
import type { CommandDeps, RequestDeps } from "./deps";
import type { CommandEnv } from "./env";
import { type IdempotentRequest, idempotent, type Outcome, type RunIntent } from "./idempotency";
import { cipherOf, fingerprintText, openTask } from "./sealing";

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

/**
 * A mutation as its idempotency key remembers it. Its request may run as long as a reservation is held (a bound on
 * the append's time limit and the waits around it); until then a retry with its key is "in progress".
 */
export function request(
  deps: Pick<CommandDeps, "reservationTtlMs">,
  operation: string,
  args: unknown,
): IdempotentRequest {
  return { operation, args, runsForMs: deps.reservationTtlMs, now: () => Date.now() };
}

/**
 * Runs one mutation: its write context, its idempotency key's claim around `run` (sent along with `admitted`, see
 * idempotency.ts), and the consistency token of what it appended on the answer.
 */
export async function mutation<T>(
  deps: RequestDeps,
  c: C,
  idempotencyKey: string | null | undefined,
  describe: (ctx: WriteContext) => IdempotentRequest,
  run: (ctx: WriteContext, intent: RunIntent) => Promise<Outcome<T>>,
  admitted?: Promise<unknown>,
): Promise<T> {
  const ctx = writeContext(deps, c, idempotencyKey);
  const outcome = await idempotent(
    deps.idempotency,
    idempotencyKey,
    describe(ctx),
    (intent) => run(ctx, intent),
    ctx.log,
    admitted,
  );
  if (outcome.token) c.header("x-consistency-token", outcome.token);
  return outcome.value;
}

/** An idempotency fingerprint with the request's listId, when it names one (keys stored before lists still match). */
export function withList<T extends object>(
  data: T,
  listId: string | null | undefined,
): T | (T & { listId: string }) {
  return listId ? { ...data, listId } : data;
}

/** The commands that change a live task and answer it: updateTask and the intents. */
export type TaskChange = Extract<
  TaskCommand,
  { type: "UpdateTask" | "RenameTask" | "CompleteTask" | "ReopenTask" }
>;

/** A command as a resolver builds it, before its request gives it metadata. */
export type Unsent<T> = T extends unknown ? Omit<T, "metadata"> : never;

/** Each change's operation name: the field it is sent as, and what its idempotency fingerprint is told apart by. */
const OPERATIONS: Record<TaskChange["type"], string> = {
  UpdateTask: "updateTask",
  RenameTask: "renameTask",
  CompleteTask: "completeTask",
  ReopenTask: "reopenTask",
};

/** The scope a mutation's listId opens, for editing, with the request's deps (see access.ts). */
export type EditScope = (listId: string | null | undefined) => Promise<{ d: RequestDeps; scope: Scope }>;

/**
 * Runs a change of a task in place and answers the task as it is after it (null once deleted, for a resumed
 * request), its text opened. Only a request with an idempotency key remembers its fingerprint, and on a sealed list
 * with a keyed digest of the text instead of the words.
 */
export async function changeMutation(
  deps: CommandDeps,
  c: C,
  editScope: EditScope,
  change: Unsent<TaskChange>,
  args: { idempotencyKey?: string | null; listId?: string | null },
): Promise<Task | null> {
  const { d, scope } = await editScope(args.listId);
  const cipher = cipherOf(scope);
  const { data } = change;
  const remembered =
    args.idempotencyKey && "text" in data
      ? { ...data, text: await fingerprintText(cipher, data.text) }
      : data;
  const task = await mutation(
    d,
    c,
    args.idempotencyKey,
    () => request(deps, OPERATIONS[change.type], withList(remembered, args.listId)),
    async (ctx, { resumed }) => {
      const command: TaskChange = { ...change, metadata: ctx.metadata };
      const { state, token } = await changeTask(ctx, command, resumed, scopeList(scope), cipher);
      return { value: state.status === "active" ? state.task : null, token };
    },
  );
  return openTask(cipher, task);
}
