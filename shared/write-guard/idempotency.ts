/**
 * Idempotency keys: a client-supplied key makes a retried mutation return the original result instead of
 * appending twice. A key is claimed atomically before the append, completed with the result after it, and abandoned
 * when the request certainly appended nothing.
 *
 * A claim whose append got no answer (it may have committed) stays pending as long as a result would be kept, and
 * it names the task its request chose: a retry after the first request's time is up takes the claim over and
 * works on that same task, so it can never create a second one (the log may then hold the create twice; the fold
 * applies the first and rejects the second). A call retried by the Redis client after its answer was lost finds
 * its own claim and goes on.
 */
import { UpstreamError } from "../errors";
import { storedObject } from "../projection/codec";

/** How long a completed result, and a claim whose outcome is unknown, are remembered. */
export const RESULT_TTL_MS = 24 * 60 * 60 * 1000;

/** What a request leaves in its key while it runs (and after, if its append's outcome is unknown). */
export interface PendingClaim {
  state: "pending";
  fingerprint: string;
  /** The request's own id: two requests never write the same claim. */
  nonce: string;
  /** Epoch ms until which the request that wrote the claim may still be running; after it, a retry takes over. */
  until: number;
  /** The task a create chose, so that a retry creates that one and no other. */
  taskId?: string;
}

export interface DoneClaim {
  state: "done";
  fingerprint: string;
  result: unknown;
}

/** What another request left in a key: its claim (and the exact stored text, to take it over) or its result. */
export type StoredClaim = (PendingClaim & { raw: string }) | DoneClaim;

export type ClaimAnswer = { claimed: true; token: string } | { claimed: false; stored: StoredClaim };

/** Where idempotency keys are claimed, completed and abandoned. */
export interface IdempotencyStore {
  /**
   * Claims `key` for `claim`, or takes over the stale claim stored as `replacing`; otherwise answers what the
   * key holds. On a failure the claim may have been written: the caller abandons it with {@link claimToken}.
   */
  claim(key: string, claim: PendingClaim, replacing?: string): Promise<ClaimAnswer>;
  /** Remembers the result of the request that holds `key`, for RESULT_TTL_MS. */
  complete(key: string, fingerprint: string, result: unknown): Promise<void>;
  /** Frees a claim after the request certainly appended nothing, if it is still the caller's (`token`). */
  abandon(key: string, token: string): Promise<void>;
}

/** The exact text a claim is stored as (and compared by). */
export function claimToken(claim: PendingClaim): string {
  return JSON.stringify(claim);
}

/** What a key holds, as the claim script answers it. */
export function parseStored(raw: string): StoredClaim {
  const s = storedObject(raw);
  if (s === undefined) throw new UpstreamError("redis", "an idempotency record is not a JSON object");
  const fingerprint = typeof s.fingerprint === "string" ? s.fingerprint : "";
  if (s.state === "done") return { state: "done", fingerprint, result: s.result };
  return {
    state: "pending",
    fingerprint,
    nonce: typeof s.nonce === "string" ? s.nonce : "",
    // A claim written before claims carried a deadline is treated as stale: its request is long over.
    until: typeof s.until === "number" ? s.until : 0,
    ...(typeof s.taskId === "string" ? { taskId: s.taskId } : {}),
    raw,
  };
}

/** The text a completed key holds. */
export function encodeDone(fingerprint: string, result: unknown): string {
  return JSON.stringify({ state: "done", fingerprint, result } satisfies DoneClaim);
}
