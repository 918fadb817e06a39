/** The one place where the command worker's errors become coded GraphQL errors. */
import type { GraphQLError } from "graphql";
import { DomainError } from "../../shared/domain";
import {
  ConfigError,
  UpstreamError,
  UpstreamTimeoutError,
  type UpstreamUnknownOutcomeError,
} from "../../shared/errors";
import { GraphQLAppError } from "./graphql";

/**
 * A mutation's append got no answer that settles it (a timeout, a lost connection, a 5xx, an unusable 2xx): its
 * events may be in the log. Only this keeps what the write did before the append (its reservation, its idempotency
 * claim); any other failure of a mutation happened before an append, or was a refusal, and undoes them.
 */
export class AppendOutcomeUnknownError extends Error {
  override readonly name = "AppendOutcomeUnknownError";
  constructor(readonly upstream: UpstreamUnknownOutcomeError) {
    super(upstream.message, { cause: upstream });
  }
}

const MAY_HAVE_BEEN_RECORDED = "the write may or may not have been recorded, so read before retrying";
const NOTHING_CHANGED = "nothing was changed by this request, retry later";

/** What an append's unsettled answer was, in words a client can act on (no upstream detail). */
function unsettled(err: UpstreamUnknownOutcomeError): string {
  if (err instanceof UpstreamTimeoutError) return `did not answer within ${err.timeoutMs} ms`;
  if (err.status === undefined) return "lost the connection before answering";
  if (err.status >= 200 && err.status < 300) return "answered the append with an unusable acknowledgement";
  return `answered ${err.status} to the append`;
}

export function mapError(err: unknown): GraphQLError | undefined {
  if (err instanceof GraphQLAppError) return err;
  if (err instanceof DomainError) {
    return new GraphQLAppError(
      err.code,
      err.message,
      err.field ? { extensions: { field: err.field } } : undefined,
    );
  }
  if (err instanceof AppendOutcomeUnknownError) {
    const { service } = err.upstream;
    return new GraphQLAppError(
      "UNAVAILABLE",
      `${service} ${unsettled(err.upstream)}; ${MAY_HAVE_BEEN_RECORDED}`,
      {
        extensions: { service },
      },
    );
  }
  // Past this point no append is in doubt: a timeout of a read (or of a guard before the append) changed nothing.
  if (err instanceof UpstreamTimeoutError) {
    return new GraphQLAppError(
      "UNAVAILABLE",
      `${err.service} did not answer within ${err.timeoutMs} ms; ${NOTHING_CHANGED}`,
      { extensions: { service: err.service } },
    );
  }
  if (err instanceof UpstreamError) {
    return new GraphQLAppError(
      "UNAVAILABLE",
      `a backing service is unavailable (${err.service}); ${NOTHING_CHANGED}`,
      { extensions: { service: err.service } },
    );
  }
  if (err instanceof ConfigError) {
    // The binding's name helps the operator; no secret value is in the message.
    return new GraphQLAppError("MISCONFIGURED", err.message);
  }
  return undefined;
}
