/**
 * What the read and write services throw when a request cannot be answered as asked. They know nothing of GraphQL:
 * `errors.ts` maps each of these (and the domain's, upstream and configuration errors) to a coded GraphQL error, in
 * that one place. A message here is what the client reads, so it says what to do and never carries upstream detail.
 */
import { isTaskId } from "../../shared/domain";
import type { UpstreamUnknownOutcomeError } from "../../shared/errors";

/** An argument the client sent is not acceptable (`BAD_USER_INPUT`). */
export class InvalidArgumentError extends Error {
  override readonly name = "InvalidArgumentError";
  /** The argument at fault, when the client should be told which. */
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** What the request names does not exist, or no longer does (`NOT_FOUND`). */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The request lacks the credential the default list needs (`UNAUTHENTICATED`). */
export class UnauthenticatedError extends Error {
  override readonly name = "UnauthenticatedError";
}

/** The caller's capability does not allow this (a view id asked to change a list; the default list off): `FORBIDDEN`. */
export class ForbiddenError extends Error {
  override readonly name = "ForbiddenError";
}

/** A list holds as many tasks as it may (`LIST_FULL`): delete some first. */
export class ListFullError extends Error {
  override readonly name = "ListFullError";
  constructor(readonly max: number) {
    super(`the list holds ${max} tasks, the most a list may hold: delete some before adding more`);
  }
}

/** The request collides with another one, in flight or already done (`CONFLICT`). */
export class ConflictError extends Error {
  override readonly name = "ConflictError";
}

/** A read given a consistency token found the projection still short of it after waiting (`STALE`). */
export class StaleError extends Error {
  override readonly name = "StaleError";
  constructor(
    readonly token: string,
    readonly waitedMs: number,
  ) {
    super(`the projection has not reached ${token} within ${waitedMs} ms; retry`);
  }
}

/**
 * A write could not be decided because the projector is not keeping up (`UNAVAILABLE`, outcome known: nothing was
 * changed). Redis answered fine, so this names the projector rather than pass as a Redis outage.
 */
export class ProjectionBehindError extends Error {
  override readonly name = "ProjectionBehindError";
  readonly service = "projector";
  constructor(reason: string, waitedMs: number) {
    super(`${reason} after waiting ${waitedMs} ms; nothing was changed by this request, retry shortly`);
  }
}

/**
 * A mutation's append got no answer that settles it (a timeout, a lost connection, a 5xx, an unusable 2xx): its
 * events may be in the log (`UNAVAILABLE`, outcome unknown). Only this keeps what the write did before the append
 * (its reservation, its idempotency claim); any other failure of a mutation happened before an append, or was a
 * refusal, and undoes them.
 */
export class AppendOutcomeUnknownError extends Error {
  override readonly name = "AppendOutcomeUnknownError";
  constructor(readonly upstream: UpstreamUnknownOutcomeError) {
    super(upstream.message, { cause: upstream });
  }
}

/** The id of a task, as a query or mutation must give it; anything else is refused in the one wording. */
export function requireTaskId(id: string): void {
  if (!isTaskId(id)) throw new InvalidArgumentError("id must be a task id (a lowercase UUID)");
}
