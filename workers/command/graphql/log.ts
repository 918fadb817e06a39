/**
 * The boundary's log lines, in the one shape of shared/http/log.ts: one line per request refused before execution
 * (the client's mistake, info), per coded failure of the server's side and per internal error (error). Each carries
 * the request id the answer carries, and the cause the client does not see, cut to a readable size.
 */
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import { errorFields, type Logger } from "../../../shared/http/log";
import { boundedMessage, codeOf } from "./errors";

type Path = ReadonlyArray<string | number>;

/** The cause of a failure, for a log line: its name and message cut to a readable size. */
function causeOf(error: unknown): string {
  return boundedMessage(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

/** A request refused before execution (4xx, or a request error answered 200 to an application/json client). */
export function logRefusal(log: Logger, status: number, errors: readonly GraphQLFormattedError[]): void {
  const [first] = errors;
  log.info("request refused", {
    status,
    code: first?.extensions?.code,
    message: first?.message,
    errors: errors.length,
  });
}

/** A coded failure of the server before execution (a missing binding, say). */
export function logRequestFailure(log: Logger, status: number, error: GraphQLError, cause?: unknown): void {
  log.error("request failed", {
    status,
    code: codeOf(error),
    message: error.message,
    ...(cause === undefined ? {} : { cause: causeOf(cause) }),
  });
}

/** A field that failed on the server's side with a code the client sees (`UNAVAILABLE`, `MISCONFIGURED`). */
export function logFieldFailure(log: Logger, error: GraphQLError, cause: unknown, path?: Path): void {
  log.error("field failed", {
    path,
    code: codeOf(error),
    service: error.extensions.service,
    message: error.message,
    cause: causeOf(cause),
  });
}

/** An error the client only sees masked. */
export function logInternalError(log: Logger, error: unknown, path?: Path): void {
  log.error("internal error", { path, error: errorFields(error) });
}
