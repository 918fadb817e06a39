/**
 * The write side: decide against the projected state (after making sure the projection has every event the
 * client could have seen: the waits are in consistency/wait.ts), reserve the versions in Redis so racing writers
 * are decided before the append, append (the commit point), and poke the projector off the response path. Where
 * the log is kept in the guards' database, the append's own call does the reservation's check and the commit.
 */
import {
  type CommandMetadata,
  decide,
  encodeEvent,
  evolve,
  listOf,
  makeEnvelopes,
  type Task,
  type TaskCommand,
  type TaskEvent,
  type TaskState,
  versionOf,
} from "../../shared/domain";
import { UpstreamUnknownOutcomeError } from "../../shared/errors";
import type { AppendStep, LogRecord } from "../../shared/event-log/port";
import { errorFields } from "../../shared/http/log";
import type { ListCipher } from "../../shared/lists/cipher";
import { reservationToken } from "../../shared/write-guard/port";
import { formatToken } from "./consistency/token";
import { awaitProjection, unprojectedEvents, type WaitContext } from "./consistency/wait";
import type { RequestDeps } from "./deps";
import { openState, sealEvents } from "./sealing";
import { AppendOutcomeUnknownError, ConflictError, NotFoundError, requireTaskId } from "./service-errors";

/** What a write runs on: its request's dependencies, metadata and ids (its background and log: WaitContext). */
export interface WriteContext extends WaitContext {
  deps: RequestDeps;
  metadata: CommandMetadata;
  newId: () => string;
}

export interface WriteResult {
  state: TaskState;
  /** The consistency token of the write's last event; absent when the command appended nothing. */
  token?: string;
}

/** Tries of an update or delete at deciding before it answers CONFLICT (each may wait for the fold first). */
export const MAX_ATTEMPTS = 4;

/** How a create runs: the task id it creates, and whether an earlier request under its idempotency key may have. */
export interface CreateIntent {
  taskId: string;
  /**
   * An earlier request with the same idempotency key chose this task id and its append's outcome is unknown: the
   * task may already be in the log. The create then waits for the projection to hold everything the log does and
   * answers that task if it is there; otherwise it appends the create again (a second create of one id, should the
   * first land after all, is rejected by the fold).
   */
  resumed: boolean;
}

export async function createTask(
  ctx: WriteContext,
  text: string,
  intent: CreateIntent = { taskId: ctx.newId(), resumed: false },
  listId?: string | null,
  cipher?: ListCipher,
): Promise<{ task: Task; token?: string }> {
  const { taskId } = intent;
  if (intent.resumed) {
    const earlier = await earlierCreate(ctx, taskId);
    if (earlier) return { task: earlier };
  }
  const command: TaskCommand = { type: "CreateTask", data: { taskId, text, listId }, metadata: ctx.metadata };
  // A fresh UUID cannot race another writer, so create needs no reservation: its critical path is one append.
  const absent: TaskState = { status: "absent" };
  const decision = decide(command, absent);
  if (!decision.ok) throw decision.error;
  const written = await append(
    ctx,
    command,
    absent,
    decision.events,
    intent.resumed ? undefined : { create: true },
    cipher,
  );
  const { state, token } = written ?? {};
  if (state?.status !== "active" || token === undefined)
    throw new Error("createTask produced no active task");
  return { task: state.task, token };
}

/** The task an earlier request created under this id, once the projection holds everything the log does. */
async function earlierCreate(ctx: WriteContext, taskId: string): Promise<Task | undefined> {
  const partition = ctx.deps.log.partitionFor(taskId);
  await unprojectedEvents(ctx, partition, await ctx.deps.store.checkpoint(partition));
  const state = await ctx.deps.store.task(taskId);
  if (state.status === "active") return state.task;
  if (state.status === "deleted") {
    throw new NotFoundError(
      `the task this idempotencyKey created (${taskId}) has been deleted since`,
      "taskId",
    );
  }
  return undefined;
}

/**
 * Changes (updates, renames, completes, reopens) or deletes a task. `resumed`: an earlier request with the same idempotency key may have appended this
 * change already (its outcome was unknown); a decision that fails only because it did (the task is deleted, or
 * past the expected version) then answers the task as it is rather than an error. On a sealed list (`cipher`) the
 * decision is taken on the opened text and the answer's text stays sealed.
 */
export async function changeTask(
  ctx: WriteContext,
  command: Exclude<TaskCommand, { type: "CreateTask" }>,
  resumed = false,
  listId?: string,
  cipher?: ListCipher,
): Promise<WriteResult> {
  const taskId = command.data.taskId;
  requireTaskId(taskId);
  const partition = ctx.deps.log.partitionFor(taskId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const view = await ctx.deps.guard.readForWrite(taskId, partition);
    // The task's last acknowledged write, when the projection does not hold it yet: its writer decided it on the
    // same state the fold will reach, so it is decided on without waiting for the fold. A resumed request decides
    // on the projection alone, whose history tells whether its earlier attempt appended.
    const committed =
      !resumed && (view.committed?.version ?? 0) > versionOf(view.state) ? view.committed : undefined;
    const state = committed?.state ?? view.state;
    // A task on another list than the request's is answered as one that does not exist: the request's capability
    // does not reach it, and the answer must not tell that it exists.
    if (state.status !== "absent" && listOf(state) !== listId) {
      throw new NotFoundError(`task ${taskId} does not exist`, "taskId");
    }
    const current = versionOf(state);
    if (view.reserved > current) {
      // Another write to this task is in flight, or its append got no answer: decide after it.
      await awaitProjection(ctx, taskId, partition, view.reserved);
      continue;
    }
    // A version reserved, no longer held, never projected nor committed: its append got no answer and may have
    // committed after all. Like an absent task, it is decided only once the projection has every event the log holds.
    // So is a resumed request that finds a commit the projection does not hold yet: its earlier attempt's, maybe.
    const unsure =
      state.status === "absent" ||
      view.lastReserved > current ||
      (resumed && (view.committed?.version ?? 0) > current);
    const awaiting = resumed ? undefined : { taskId, committed: view.committed?.version ?? 0 };
    if (unsure && (await unprojectedEvents(ctx, partition, view.checkpoint, awaiting))) continue;
    const decision = decide(command, await openState(cipher, state));
    if (!decision.ok) {
      if (resumed && (await appendedEarlier(ctx, taskId))) return { state };
      throw decision.error;
    }
    if (decision.events.length === 0) return { state };
    const newVersion = current + decision.events.length;
    const nonce = ctx.newId();
    const token = reservationToken(newVersion, nonce);
    if (conditionalAppends(ctx)) {
      // The log is in the guards' database: the reservation's check, the append and the commit are one call,
      // refused (nothing written) when another writer came first.
      const written = await append(ctx, command, state, decision.events, { token, base: current }, cipher);
      if (written) return written;
      continue;
    }
    try {
      const reservation = await ctx.deps.guard.reserve(
        taskId,
        current,
        newVersion,
        ctx.deps.reservationTtlMs,
        nonce,
      );
      if (!reservation.ok) continue;
      // Never undefined here: only an append that checks its task itself (`base`) is refused.
      const written = await append(ctx, command, state, decision.events, { token }, cipher);
      if (written) return written;
    } catch (err) {
      // Unless the append's outcome is unknown, nothing was appended: free the task now (a reserve call that failed
      // may still have reserved). An append that may have committed keeps the reservation until it is projected
      // or expires.
      if (!(err instanceof AppendOutcomeUnknownError))
        await ctx.deps.guard.release(taskId, token).catch((e: unknown) =>
          ctx.log.error("reservation not released; it expires by itself", {
            taskId,
            error: errorFields(e),
          }),
        );
      throw err;
    }
  }
  throw new ConflictError("the task is being changed by other writers; read it again and retry");
}

/** Whether the task's projected history holds an event appended under this request's idempotency key. */
async function appendedEarlier(ctx: WriteContext, taskId: string): Promise<boolean> {
  const key = ctx.metadata.idempotencyKey;
  if (key === undefined) return false;
  const history = await ctx.deps.store.history(taskId);
  return history.some((entry) => entry.metadata?.idempotencyKey === key);
}

/**
 * How an acknowledged append is recorded for the next writer: an update's under the token of its reservation, a
 * create's under a token of its own (it holds no reservation); none for a create that may have appended before.
 * With `base`, an update's that holds no reservation: its append is refused unless the task is still at `base`
 * (only where `conditionalAppends`).
 */
type Commit = { token: string; base?: number } | { create: true } | undefined;

/** Whether the log is kept in the guards' database, where an update's append checks its task itself. */
function conditionalAppends(ctx: WriteContext): boolean {
  return ctx.deps.log.appendWith !== undefined && ctx.deps.guard.conditionalStep !== undefined;
}

/** The guard's step an append runs in its own call, where the log is kept in the guards' database. */
function guardStep(
  ctx: WriteContext,
  taskId: string,
  commit: Commit,
  token: string,
  after: TaskState,
): AppendStep | undefined {
  const { log, guard } = ctx.deps;
  if (!log.appendWith || commit === undefined) return undefined;
  if ("base" in commit && commit.base !== undefined)
    return guard.conditionalStep?.(taskId, commit.base, token, after);
  return guard.commitStep?.(taskId, token, after, !("token" in commit));
}

async function append(
  ctx: WriteContext,
  command: TaskCommand,
  state: TaskState,
  decided: readonly TaskEvent[],
  commit: Commit,
  cipher: ListCipher | undefined,
): Promise<WriteResult | undefined> {
  const eventIds = decided.map(() => ctx.newId());
  // Sealed before the append: the log, the fold and the committed write below only ever see the ciphertext.
  const events = await sealEvents(cipher, decided, eventIds);
  const envelopes = makeEnvelopes(command, events, { eventIds, baseVersion: versionOf(state) });
  const taskId = command.data.taskId;
  const after = envelopes.reduce(evolve, state);
  const values = envelopes.map(encodeEvent);
  const { log, guard } = ctx.deps;
  const token =
    commit && ("token" in commit ? commit.token : reservationToken(versionOf(after), ctx.newId()));
  // Where the log is kept in the guards' database, the append's own call records the commit (and checks an update
  // that holds no reservation): an acknowledged write is committed for the next writer at once, at no request.
  const step = token === undefined ? undefined : guardStep(ctx, taskId, commit, token, after);
  let records: LogRecord[];
  try {
    const answer = step && log.appendWith ? await log.appendWith(taskId, values, step) : undefined;
    if (answer && "refused" in answer) return undefined;
    records = answer ? answer.records : await log.append(taskId, values);
  } catch (err) {
    if (err instanceof UpstreamUnknownOutcomeError) throw new AppendOutcomeUnknownError(err);
    throw err;
  }
  const last = records[records.length - 1];
  if (token !== undefined && !step) {
    // Off the response path: until it lands, the next writer waits for this commit or the projection.
    ctx.background(
      guard.commit(taskId, token, after, commit !== undefined && !("token" in commit)).catch((err: unknown) =>
        ctx.log.error("commit not recorded; the next write waits for the projection", {
          taskId,
          error: errorFields(err),
        }),
      ),
    );
  }
  ctx.log.info("event saved", {
    taskId,
    types: envelopes.map((e) => e.type),
    partition: last?.partition,
    offset: last?.offset,
  });
  if (last) pokeAfter(ctx, last);
  return { state: after, ...(last && { token: formatToken(last) }) };
}

/** Pokes the projector about an appended record, off the response path; a failed poke is left to the sweep. */
export function pokeAfter(ctx: WriteContext, last: LogRecord): void {
  ctx.background(
    ctx.deps.notifier
      .poke({ partition: last.partition, offset: last.offset })
      .then(() => ctx.log.info("poke sent", { partition: last.partition, offset: last.offset }))
      .catch((err: unknown) =>
        ctx.log.error("poke failed; the scheduled catch-up will project it", {
          partition: last.partition,
          offset: last.offset,
          error: errorFields(err),
        }),
      ),
  );
}
