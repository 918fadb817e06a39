/**
 * The one place where the command worker's errors become coded GraphQL errors: the services' own
 * (`service-errors.ts`), the domain's refusals, upstream failures and configuration errors. Anything else is left
 * to the boundary, which masks it.
 */
import { DomainError } from "../../shared/domain";
import {
  ConfigError,
  UpstreamError,
  UpstreamTimeoutError,
  type UpstreamUnknownOutcomeError,
} from "../../shared/errors";
import { SealBrokenError } from "../../shared/lists/cipher";
import { GraphQLAppError } from "./graphql";
import {
  AppendOutcomeUnknownError,
  ConflictError,
  ForbiddenError,
  InvalidArgumentError,
  ListFullError,
  NotFoundError,
  ProjectionBehindError,
  StaleError,
  UnauthenticatedError,
} from "./service-errors";

const MAY_HAVE_BEEN_RECORDED = "the write may or may not have been recorded, so read before retrying";
const NOTHING_CHANGED = "nothing was changed by this request, retry later";

/** What an append's unsettled answer was, in words a client can act on (no upstream detail). */
function unsettled(err: UpstreamUnknownOutcomeError): string {
  if (err instanceof UpstreamTimeoutError) return `did not answer within ${err.timeoutMs} ms`;
  if (err.status === undefined) return "lost the connection before answering";
  if (err.status >= 200 && err.status < 300) return "answered the append with an unusable acknowledgement";
  return `answered ${err.status} to the append`;
}

const withField = (field: string | undefined) => (field ? { extensions: { field } } : undefined);

export function mapError(err: unknown): GraphQLAppError | undefined {
  if (err instanceof InvalidArgumentError)
    return new GraphQLAppError("BAD_USER_INPUT", err.message, withField(err.field));
  if (err instanceof NotFoundError)
    return new GraphQLAppError("NOT_FOUND", err.message, withField(err.field));
  if (err instanceof ConflictError) return new GraphQLAppError("CONFLICT", err.message);
  if (err instanceof UnauthenticatedError) return new GraphQLAppError("UNAUTHENTICATED", err.message);
  if (err instanceof ForbiddenError) return new GraphQLAppError("FORBIDDEN", err.message);
  if (err instanceof ListFullError) {
    return new GraphQLAppError("LIST_FULL", err.message, { extensions: { max: err.max } });
  }
  // Never a wrong text: a sealed text that does not open is refused, not shown.
  if (err instanceof SealBrokenError) return new GraphQLAppError("DATA_CORRUPTED", err.message);
  if (err instanceof StaleError) return new GraphQLAppError("STALE", err.message);
  if (err instanceof DomainError) return new GraphQLAppError(err.code, err.message, withField(err.field));
  if (err instanceof ProjectionBehindError) {
    return new GraphQLAppError("UNAVAILABLE", err.message, { extensions: { service: err.service } });
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
