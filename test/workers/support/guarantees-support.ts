/**
 * What the guarantee tests share on top of the command and projector test helpers: the system's own projector
 * seen as a `Projector` (so the log-fold model of projector-model.ts checks a whole running system), convergence
 * through the scheduled handler, a watch on the checkpoint, and answers of mutations sorted by outcome.
 */
import { expect } from "vitest";
import { LEASE_MS } from "../../../workers/projector/fold/catch-up";
import type { GraphQLAnswer, TestSystem } from "../../support/system";
import { type Projector, status } from "./projector-support";

/** The system's projector (the one the command worker pokes) with its topic and prefix. */
export function systemProjector(sys: TestSystem): Projector {
  const env = sys.env;
  return {
    url: sys.projectorUrl,
    webhook: env.PROJECTOR_URL ?? `${sys.projectorUrl}/projection`,
    env,
    topic: env.UPSTASH_KAFKA_TOPIC ?? "",
    prefix: env.PROJECTION_PREFIX ?? "",
    partitions: Number(env.EVENT_LOG_PARTITIONS ?? "1"),
    // The system closes it.
    close: async () => {},
  };
}

/**
 * Lets every pending QStash delivery finish, then runs the scheduled handler until the projection has no lag (a
 * cron catch-up is bounded by its budget, and its own re-poke may be lost). A fold that died holding a partition's
 * lease (Redis killed under it, say) leaves the partition to the cron once the lease expires, so this keeps trying
 * for longer than a lease lives. Fails after `limitMs`.
 */
export async function converge(sys: TestSystem, limitMs = 3 * LEASE_MS): Promise<void> {
  await sys.stack.qstash.idle();
  const p = systemProjector(sys);
  const deadline = Date.now() + limitMs;
  for (let run = 1; ; run++) {
    await sys.cron();
    // With several partitions the cron folds one and pokes the others through QStash.
    await sys.stack.qstash.idle();
    if ((await status(p)).lag === 0) return;
    if (Date.now() > deadline)
      throw new Error(`the projection still lags the log after ${run} scheduled catch-ups in ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads `read()` over and over until `done` settles; returns every value seen, in order. */
export async function watch<T>(read: () => Promise<T>, done: Promise<unknown>): Promise<T[]> {
  const seen: T[] = [];
  let settled = false;
  const stop = () => {
    settled = true;
  };
  done.then(stop, stop);
  while (!settled) seen.push(await read());
  seen.push(await read());
  return seen;
}

/** Asserts that `values` never decrease. */
export function expectMonotonic(values: number[]): void {
  expect(values).toEqual([...values].sort((a, b) => a - b));
}

/** The `extensions.code` of a mutation's only error, or "OK" when it succeeded. */
export function outcome(answer: GraphQLAnswer): string {
  if (answer.status !== 200) return `HTTP ${answer.status}`;
  const errors = answer.body.errors;
  if (!errors || errors.length === 0) return "OK";
  return errors.map((e) => String(e.extensions?.code ?? "NO_CODE")).join(",");
}

/** How many answers had each outcome, e.g. `{ OK: 1, CONFLICT: 5 }`. */
export function tally(answers: GraphQLAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[outcome(a)] = (counts[outcome(a)] ?? 0) + 1;
  return counts;
}
