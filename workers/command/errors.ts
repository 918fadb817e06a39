/** The one place where the command worker's errors become coded GraphQL errors. */
import type { GraphQLError } from "graphql";
import { DomainError } from "../../shared/domain";
import {
  ConfigError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnknownOutcomeError,
} from "../../shared/errors";
import { GraphQLAppError } from "./graphql";

export function mapError(err: unknown): GraphQLError | undefined {
  if (err instanceof GraphQLAppError) return err;
  if (err instanceof DomainError) {
    return new GraphQLAppError(
      err.code,
      err.message,
      err.field ? { extensions: { field: err.field } } : undefined,
    );
  }
  if (err instanceof UpstreamTimeoutError) {
    return new GraphQLAppError(
      "UNAVAILABLE",
      `${err.service} did not answer within ${err.timeoutMs} ms; the write may or may not have been recorded, so read before retrying`,
      { extensions: { service: err.service } },
    );
  }
  if (err instanceof UpstreamUnknownOutcomeError) {
    return new GraphQLAppError(
      "UNAVAILABLE",
      `${err.service} lost the connection before answering; the write may or may not have been recorded, so read before retrying`,
      { extensions: { service: err.service } },
    );
  }
  if (err instanceof UpstreamError) {
    return new GraphQLAppError(
      "UNAVAILABLE",
      `a backing service is unavailable (${err.service}); nothing was changed by this request, retry later`,
      {
        extensions: { service: err.service },
      },
    );
  }
  if (err instanceof ConfigError) {
    // The binding's name helps the operator; no secret value is in the message.
    return new GraphQLAppError("MISCONFIGURED", err.message);
  }
  return undefined;
}
