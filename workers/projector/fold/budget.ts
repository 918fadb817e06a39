/**
 * The projector's budget per invocation, every number of it in this file, with the Workers limits it derives from
 * (developers.cloudflare.com/workers/platform/limits and /pricing, read 2026-11-29; the same figures as
 * bench/prices.ts): an invocation may make 50 subrequests on the Free plan and 10,000 on Paid (older copies of the
 * limits page say 1,000), and use 10 ms of CPU on Free, 30 s by default on Paid.
 *
 * Subrequests: every call to Redis, the log or QStash is one fetch, so one subrequest. The projector counts its own
 * calls (SUBREQUESTS) and stops a fold while the calls it may still need to end cleanly (a stop, giving the lease
 * up, the re-poke that continues the work) fit; what it cannot count it leaves room for (UNCOUNTED). CPU: the fold
 * costs 30 to 40 µs of CPU per event (bench, `npm run bench`, fold scenario, in workerd), so the events per
 * invocation bound its CPU; the wall-time bound only stops a fold held up by slow services.
 *
 * Budget from optional bindings (documented in wrangler.projector.toml): unset means the default, anything else
 * must be a whole number in range, or the worker fails fast naming the binding.
 */
import { type BindingName, type Bindings, binding } from "../../../shared/config";
import { ConfigError } from "../../../shared/errors";
import { DEFAULT_BATCH_BYTES } from "../../../shared/projection/fold";

export interface CatchUpBudget {
  /** Records per fetch and fold batch. */
  batchSize: number;
  /** Bytes of Redis request per fold batch (see DEFAULT_BATCH_BYTES). */
  batchBytes: number;
  /** Records per invocation, over all partitions. */
  maxEvents: number;
  /** Wall time per invocation in ms. */
  maxMillis: number;
  /** Subrequests (Redis, log and QStash calls) the invocation may make, the sweep's included. */
  maxSubrequests: number;
}

/** Subrequests per invocation of each Workers plan (the limits page). */
export const WORKERS_SUBREQUESTS = { free: 50, paid: 10_000, paidOlderPages: 1_000 } as const;

/**
 * Calls the projector makes that it does not count one by one, so the budget leaves room for them below the plan's
 * limit: the log-identity check (once per isolate), a script's first run on a database whose script cache is empty
 * (EVALSHA answered NOSCRIPT, then EVAL: the claim, end and apply scripts), and the Redis client's one network
 * retry, for a few calls.
 */
export const UNCOUNTED = { identity: 1, scriptLoads: 3, retries: 6 } as const;
const UNCOUNTED_TOTAL = UNCOUNTED.identity + UNCOUNTED.scriptLoads + UNCOUNTED.retries;

/** What each counted call costs, in subrequests. */
export const SUBREQUESTS = {
  /** Read the live pointer afresh, once per poke (for a poke of one partition, with its first claim: one script). */
  pointer: 1,
  /** Claim a partition's lease with its checkpoint (one script). */
  claim: 1,
  /** One log read (a fetch, an XRANGE). */
  read: 1,
  /** The states of a batch's tasks not known yet (one HMGET). */
  states: 1,
  /** Apply a batch with its checkpoint (one script). */
  apply: 1,
  /** Read the stop records after a batch stopped. */
  stops: 1,
  /** End the fold: finish (a poke may ask to read again) or drop the lease. */
  end: 1,
  /** The re-poke that continues unfinished partitions (one QStash batch, whatever the count). */
  repoke: 1,
  /** The sweep: every checkpoint (one HGETALL), its window's cursor (one INCR), and one head per partition. */
  checkpoints: 1,
  cursor: 1,
  head: 1,
  /** The sweep's fan-out (one QStash batch). */
  fanOut: 1,
  /** Live updates: the notice of an applied batch to the command worker (one POST /live), when LIVE_URL is set. */
  notice: 1,
} as const;

/** Held back while folding: what ending cleanly may still cost (a stop read, the lease's end, the re-poke). */
export const RESERVE = SUBREQUESTS.stops + SUBREQUESTS.end + SUBREQUESTS.repoke;

/**
 * The least a batch needs beyond its read: its states and its apply (and its notice when live updates are on: a
 * batch is started only if its notice can be sent, see catch-up.ts).
 */
export const BATCH_AFTER_READ = SUBREQUESTS.states + SUBREQUESTS.apply;

/** The least a partition's fold needs to be worth starting: the claim, one batch, and the reserve. */
export const FOLD_FLOOR = SUBREQUESTS.claim + SUBREQUESTS.read + BATCH_AFTER_READ + RESERVE;

/** The sweep's calls besides its heads: the checkpoints, the cursor and the fan-out. */
export const SWEEP_FIXED = SUBREQUESTS.checkpoints + SUBREQUESTS.cursor + SUBREQUESTS.fanOut;

/** Below this, not even the sweep's smallest window and one fold fit. */
export const MIN_SUBREQUESTS = SWEEP_FIXED + SUBREQUESTS.head + FOLD_FLOOR;

/**
 * The default: safe on the Free plan (50 subrequests less UNCOUNTED); the batch size and events per invocation
 * are Paid's (on Free, see FREE_BUDGET).
 */
export const DEFAULT_BUDGET: CatchUpBudget = {
  batchSize: 500,
  batchBytes: DEFAULT_BATCH_BYTES,
  maxEvents: 20_000,
  maxMillis: 10_000,
  maxSubrequests: WORKERS_SUBREQUESTS.free - UNCOUNTED_TOTAL,
};

/**
 * The Free plan: 10 ms of CPU is about 250 events at 35 µs each, so 200 per invocation in batches of 100; 40
 * counted subrequests of the 50.
 */
export const FREE_BUDGET: CatchUpBudget = { ...DEFAULT_BUDGET, batchSize: 100, maxEvents: 200 };

/**
 * The Paid plan: 900 counted subrequests fit the 1,000 of the older limits pages, and so the 10,000 of the
 * current one; 20,000 events are under a second of CPU.
 */
export const PAID_BUDGET: CatchUpBudget = {
  ...DEFAULT_BUDGET,
  maxSubrequests: WORKERS_SUBREQUESTS.paidOlderPages - 100,
};

/**
 * Partitions one sweep reads the heads of, within `maxSubrequests`: what the checkpoints, the cursor, the fan-out
 * and one partition's fold leave. A log with more partitions is swept a window at a time (see sweep.ts).
 */
export function sweepWindow(maxSubrequests: number): number {
  return Math.max(1, maxSubrequests - SWEEP_FIXED - FOLD_FLOOR);
}

function wholeNumber(env: Bindings, name: BindingName, fallback: number, min: number, max: number): number {
  const raw = binding(env, name);
  if (raw === undefined || raw === null || raw === "") return fallback;
  const n = typeof raw === "string" ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}`);
  return n;
}

/**
 * `PROJECTOR_BATCH_SIZE` (records per fold batch), `PROJECTOR_MAX_EVENTS` (records per invocation),
 * `PROJECTOR_MAX_SUBREQUESTS` (counted subrequests per invocation, up to the Paid plan's 10,000).
 */
export function catchUpBudget(env: Bindings): CatchUpBudget {
  return {
    ...DEFAULT_BUDGET,
    batchSize: wholeNumber(env, "PROJECTOR_BATCH_SIZE", DEFAULT_BUDGET.batchSize, 1, 5_000),
    maxEvents: wholeNumber(env, "PROJECTOR_MAX_EVENTS", DEFAULT_BUDGET.maxEvents, 1, 1_000_000),
    maxSubrequests: wholeNumber(
      env,
      "PROJECTOR_MAX_SUBREQUESTS",
      DEFAULT_BUDGET.maxSubrequests,
      MIN_SUBREQUESTS,
      WORKERS_SUBREQUESTS.paid,
    ),
  };
}

/**
 * The subrequests one invocation has left, shared by its sweep, its folds and its re-poke. `spend` counts a call
 * about to be made; `affords` says whether `n` more calls fit with the reserve held back.
 */
export interface SubrequestMeter {
  readonly max: number;
  readonly used: number;
  spend(n: number): void;
  affords(n: number, reserve?: number): boolean;
}

export function subrequestMeter(max: number): SubrequestMeter {
  let used = 0;
  return {
    max,
    get used() {
      return used;
    },
    spend(n) {
      used += n;
    },
    affords(n, reserve = RESERVE) {
      return used + n + reserve <= max;
    },
  };
}
