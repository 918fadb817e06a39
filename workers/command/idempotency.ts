/** Runs a mutation at most once per client-supplied idempotency key (see shared/projection/idempotency.ts). */
import { UpstreamUnknownOutcomeError } from "../../shared/errors";
import type { IdempotencyStore } from "../../shared/projection/idempotency";
import { GraphQLAppError } from "./graphql";

const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export interface Outcome<T> {
  value: T;
  /** The consistency token of the original write, if it appended anything. */
  token?: string;
}

export async function idempotent<T>(
  store: IdempotencyStore,
  key: string | null | undefined,
  request: { operation: string; args: unknown },
  run: () => Promise<Outcome<T>>,
  logger: (message: string, fields?: Record<string, unknown>) => void,
): Promise<Outcome<T>> {
  if (key === null || key === undefined) return run();
  if (!KEY.test(key)) {
    throw new GraphQLAppError(
      "BAD_USER_INPUT",
      "idempotencyKey must be 1-128 characters of A-Z a-z 0-9 . _ : -",
    );
  }
  const fingerprint = JSON.stringify([request.operation, request.args]);
  const claim = await store.claim(key, fingerprint, crypto.randomUUID());
  if (claim.status === "done") return claim.result as Outcome<T>;
  if (claim.status === "pending") {
    throw new GraphQLAppError(
      "CONFLICT",
      "a request with this idempotencyKey is still in progress (or its outcome is unknown); retry in a minute",
    );
  }
  if (claim.status === "mismatch") {
    throw new GraphQLAppError(
      "BAD_USER_INPUT",
      "this idempotencyKey was already used for a different request",
    );
  }
  let outcome: Outcome<T>;
  try {
    outcome = await run();
  } catch (err) {
    // After a timeout or a lost connection the append may have committed: keep the claim pending until it expires.
    if (!(err instanceof UpstreamUnknownOutcomeError)) await store.abandon(key, claim.token).catch(() => {});
    throw err;
  }
  // The append is the commit point: a failure to remember the result must not fail the mutation.
  await store.complete(key, fingerprint, outcome).catch((err: unknown) =>
    logger("idempotency result not stored; a retry within a minute is refused, later one appends again", {
      error: (err as Error).message,
    }),
  );
  return outcome;
}
