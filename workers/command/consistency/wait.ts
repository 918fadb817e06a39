/**
 * Waiting for the projection, bounded: a query given a consistency token waits until the projection has passed it
 * (see token.ts), and a write that needs what the projection has not folded yet waits for the fold, poking the
 * projector again when the fold is late.
 */
import { versionOf } from "../../../shared/domain";
import { errorFields, type Logger } from "../../../shared/http/log";
import { NUDGE_WINDOW_MS } from "../../../shared/notifier/qstash";
import type { RequestDeps } from "../deps";
import { ProjectionBehindError, StaleError } from "../service-errors";
import { parseToken } from "./token";

/** How long a query or a write waits for the projection before answering STALE / UNAVAILABLE. */
export const WAIT_LIMIT_MS = 3000;
/**
 * A wait polls at once, then after 20 ms, 40 ms, 80 ms, ... up to every 500 ms: a fold usually lands within a few
 * tens of milliseconds, and one that does not is not hastened by asking more often. A wait of 3 s checks 11 times
 * (150 times when it polled every 20 ms), so its cost in Redis commands is small and known (see pollsWithin).
 */
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 500;
/** How long a write waits for the projection before it suspects the poke was lost and pokes again. */
const NUDGE_AFTER_MS = 1000;

/** What a write's waits run on: its namespace's log, read model and guard, the notifier, and its request's log. */
export interface WaitContext {
  deps: Pick<RequestDeps, "log" | "store" | "guard" | "notifier">;
  /** Runs work after the response (ctx.waitUntil). */
  background: (p: Promise<unknown>) => void;
  /** Bound to the request (its id is on every line). */
  log: Logger;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The most checks a wait of `limitMs` makes: the first at once, then one after each pause of the backoff. */
export function pollsWithin(limitMs: number): number {
  let checks = 1;
  for (let waited = 0, delay = FIRST_POLL_MS; waited < limitMs; delay = Math.min(delay * 2, MAX_POLL_MS)) {
    waited += Math.min(delay, limitMs - waited);
    checks++;
  }
  return checks;
}

/**
 * Polls `check`, with backoff, until it returns true or the wait limit passes; returns whether it did. It never
 * checks more than pollsWithin(limitMs) times, however the clock runs.
 */
export async function waitUntil(check: () => Promise<boolean>, limitMs = WAIT_LIMIT_MS): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  const checks = pollsWithin(limitMs);
  for (let done = 1, delay = FIRST_POLL_MS; ; done++, delay = Math.min(delay * 2, MAX_POLL_MS)) {
    if (await check()) return true;
    const left = deadline - Date.now();
    if (left <= 0 || done >= checks) return false;
    await sleep(Math.min(delay, left));
  }
}

/** With a consistency token, waits (bounded) until the projection has folded past it; STALE if it does not. */
export async function awaitToken(
  deps: Pick<RequestDeps, "log" | "store">,
  after: string | null | undefined,
): Promise<void> {
  if (!after) return;
  const position = parseToken(after, deps.log.partitions);
  const ok = await waitUntil(async () => (await deps.store.checkpoint(position.partition)) > position.offset);
  if (!ok) throw new StaleError(after, WAIT_LIMIT_MS);
}

export async function awaitProjection(
  ctx: WaitContext,
  taskId: string,
  partition: number,
  version: number,
): Promise<void> {
  // Done when the write is projected, or when its reservation expired (its append got no answer): the caller then
  // decides on what the log holds, rather than stay wedged until the wait limit.
  const ok = await awaitFold(ctx, partition, async () => {
    const view = await ctx.deps.guard.readForWrite(taskId, partition);
    return versionOf(view.state) >= version || view.reserved < version;
  });
  if (!ok) {
    throw new ProjectionBehindError(
      `an earlier write to task ${taskId} (version ${version}) is not projected yet`,
      WAIT_LIMIT_MS,
    );
  }
}

/**
 * Whether the log holds events of this partition the projection has not folded; if so, waits for them, or (given
 * `task`) for a write of that task newer than `task.committed` to be committed, which the caller can decide on.
 */
export async function unprojectedEvents(
  ctx: WaitContext,
  partition: number,
  checkpoint: number,
  task?: { taskId: string; committed: number },
): Promise<boolean> {
  const head = await ctx.deps.log.head(partition);
  if (checkpoint >= head) return false;
  const ok = await awaitFold(
    ctx,
    partition,
    async () => {
      if (task === undefined) return (await ctx.deps.store.checkpoint(partition)) >= head;
      const view = await ctx.deps.guard.readForWrite(task.taskId, partition);
      return view.checkpoint >= head || (view.committed?.version ?? 0) > task.committed;
    },
    head - 1,
  );
  if (!ok) {
    throw new ProjectionBehindError(
      `the projection is behind the log on partition ${partition}`,
      WAIT_LIMIT_MS,
    );
  }
  return true;
}

/**
 * Waits (bounded) for the projector to fold what `check` needs. The append that made the wait necessary poked the
 * projector, but that poke may have been lost (QStash down, a failed publish, a delivery that never arrived): if the
 * fold has not come after a grace period, poke again ("nudge") rather than leave the wait to the cron and answer
 * UNAVAILABLE, and again in each later window while the wait lasts. QStash deduplicates nudges per partition and
 * window, so however many writers wait, a partition gets at most one nudge per window (a storm of them would only
 * delay the fold they wait for); a later window's nudge is not swallowed by one an earlier fold already served.
 */
async function awaitFold(
  ctx: WaitContext,
  partition: number,
  check: () => Promise<boolean>,
  hint = 0,
): Promise<boolean> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  if (await waitUntil(check, NUDGE_AFTER_MS)) return true;
  for (let left = deadline - Date.now(); left > 0; left = deadline - Date.now()) {
    ctx.background(
      ctx.deps.notifier
        .poke({ partition, offset: hint }, "nudge")
        .then(() => ctx.log.info("projection behind; poke sent again", { partition }))
        .catch((err: unknown) =>
          ctx.log.error("poke while waiting for the projection failed", {
            partition,
            error: errorFields(err),
          }),
        ),
    );
    if (await waitUntil(check, Math.min(NUDGE_WINDOW_MS, left))) return true;
  }
  return false;
}
