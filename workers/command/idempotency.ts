/** Runs a mutation at most once per client-supplied idempotency key (see shared/write-guard/idempotency.ts). */
import { errorFields, type Logger } from "../../shared/http/log";
import {
  claimToken,
  type IdempotencyStore,
  type PendingClaim,
  type StoredClaim,
} from "../../shared/write-guard/idempotency";
import { AppendOutcomeUnknownError, ConflictError, InvalidArgumentError } from "./service-errors";

const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export interface Outcome<T> {
  value: T;
  /** The consistency token of the original write, if it appended anything. */
  token?: string;
}

export interface IdempotentRequest {
  operation: string;
  args: unknown;
  /** The task a create would create: remembered in the claim so that any retry creates that one. */
  taskId?: string;
  /** How long the request may run; until then a retry with its key is told it is still in progress. */
  runsForMs: number;
  now: () => number;
}

/** What a run is told: the task id to create (a retry's is the first request's), and whether it resumes one. */
export interface RunIntent {
  taskId?: string;
  /** An earlier request with this key may have appended: the run must not assume it starts from nothing. */
  resumed: boolean;
}

/**
 * Runs `run` once per `key`: claims the key, runs, remembers the outcome. `admitted`: what must hold before anything
 * of the request runs (a named list's look), sent along with the claim so that both take one round trip; when it
 * fails, its error is the answer, whatever the claim found, and a claim the request wrote is dropped, as for any
 * request that fails before its append. A stale claim is taken over only once the request is admitted.
 */
export async function idempotent<T>(
  store: IdempotencyStore,
  key: string | null | undefined,
  request: IdempotentRequest,
  run: (intent: RunIntent) => Promise<Outcome<T>>,
  log: Logger,
  admitted: Promise<unknown> = Promise.resolve(),
): Promise<Outcome<T>> {
  if (key === null || key === undefined) {
    await admitted;
    return run({ taskId: request.taskId, resumed: false });
  }
  if (!KEY.test(key)) {
    await admitted;
    throw new InvalidArgumentError("idempotencyKey must be 1-128 characters of A-Z a-z 0-9 . _ : -");
  }
  const fingerprint = JSON.stringify([request.operation, request.args]);
  const nonce = crypto.randomUUID();
  const pending = (taskId: string | undefined): PendingClaim => ({
    state: "pending",
    fingerprint,
    nonce,
    until: request.now() + request.runsForMs,
    ...(taskId === undefined ? {} : { taskId }),
  });

  let claim = pending(request.taskId);
  const [claimed, admission] = await Promise.allSettled([claimOrUndo(store, key, claim, log), admitted]);
  if (admission.status === "rejected") {
    if (claimed.status === "fulfilled" && claimed.value.claimed)
      await store.abandon(key, claimToken(claim)).catch((e: unknown) => claimNotReleased(log, e));
    throw admission.reason;
  }
  if (claimed.status === "rejected") throw claimed.reason;
  let answer = claimed.value;
  let resumed = false;
  if (!answer.claimed) {
    const found = whatWasLeft(answer.stored, fingerprint, request.now());
    if (found.state === "done") return found.result as Outcome<T>;
    // The first request's time is up and its append's outcome is unknown: take over, keeping its task id.
    claim = pending(found.taskId ?? request.taskId);
    answer = await claimOrUndo(store, key, claim, log, found.raw);
    if (!answer.claimed) {
      // Another retry took it over (or finished) first: a claim it has just written is in progress.
      const again = whatWasLeft(answer.stored, fingerprint, request.now());
      if (again.state === "done") return again.result as Outcome<T>;
      throw new ConflictError("a request with this idempotencyKey is still in progress");
    }
    resumed = true;
  }

  let outcome: Outcome<T>;
  try {
    outcome = await run({ taskId: claim.taskId, resumed });
  } catch (err) {
    // Only an append whose outcome is unknown keeps the claim (it may have committed). Anything else failed before
    // an append or was refused; the claim is dropped, unless it carries an earlier request's unknown outcome.
    if (!(err instanceof AppendOutcomeUnknownError)) {
      if (!resumed)
        await store.abandon(key, claimToken(claim)).catch((e: unknown) => claimNotReleased(log, e));
    } else if (claim.taskId !== undefined) {
      // A create may be taken over at once, even while its append could still land: the retry creates the same
      // task id, and the fold applies only the first TaskCreated of an id. So its claim is due now, not later.
      await store
        .claim(key, { ...claim, until: request.now() }, claimToken(claim))
        .catch((e: unknown) => claimNotReleased(log, e));
    }
    throw err;
  }
  // The append is the commit point: a failure to remember the result must not fail the mutation.
  await store.complete(key, fingerprint, outcome).catch((err: unknown) =>
    log.error("idempotency result not stored; a retry after this request's time will run it again", {
      error: errorFields(err),
    }),
  );
  return outcome;
}

/** A claim left as it was: a retry with its key waits until its time is up, then takes over. */
function claimNotReleased(log: Logger, err: unknown) {
  log.error("idempotency claim not updated; a retry with its key waits until the request's time is up", {
    error: errorFields(err),
  });
}

/** Claims the key; if the call fails, drops what it may have written (the claim is this request's own). */
async function claimOrUndo(
  store: IdempotencyStore,
  key: string,
  claim: PendingClaim,
  log: Logger,
  replacing?: string,
) {
  try {
    return await store.claim(key, claim, replacing);
  } catch (err) {
    await store.abandon(key, claimToken(claim)).catch((e: unknown) => claimNotReleased(log, e));
    throw err;
  }
}

/**
 * What another request left in the key: its result, or its claim once its time is up (to take over). Throws what
 * the client must hear otherwise: the key belongs to a different request, or its request is still in progress.
 */
function whatWasLeft(stored: StoredClaim, fingerprint: string, now: number): StoredClaim {
  if (stored.fingerprint !== fingerprint) {
    throw new InvalidArgumentError("this idempotencyKey was already used for a different request");
  }
  if (stored.state === "pending" && now < stored.until) {
    const seconds = Math.max(1, Math.ceil((stored.until - now) / 1000));
    throw new ConflictError(`a request with this idempotencyKey is still in progress; retry in ${seconds} s`);
  }
  return stored;
}
