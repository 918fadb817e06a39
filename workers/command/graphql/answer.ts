/**
 * GraphQL over HTTP's answers: what status and body each outcome gets, with errors coded and masked. Request errors
 * (no `data`) are 400 to application/graphql-response+json clients and 200 to application/json ones; an execution
 * is 200 whatever its errors; a failure of the server before execution is a 5xx.
 */
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from "graphql";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "../../../shared/http/log";
import { type BoundaryErrorCode, codeOf, formatWithCode, maskedError } from "./errors";
import { logFieldFailure, logInternalError, logRequestFailure } from "./log";
import { GRAPHQL_RESPONSE, type ResponseMediaType } from "./media-type";

/** Maps an unexpected error to a coded one; undefined leaves it to be masked. */
export type ErrorMapper = (error: unknown) => GraphQLError | undefined;

/** A GraphQL response ready to be written: HTTP status and the JSON body. */
export interface GraphQLReply {
  status: ContentfulStatusCode;
  body: { data?: unknown; errors?: GraphQLFormattedError[] };
}

/** What an answer is written for: the client's media type, the request's id and logger, the error mapper. */
export interface ReplyContext {
  mediaType: ResponseMediaType;
  requestId: string;
  log: Logger;
  mapError: ErrorMapper | undefined;
}

/** A request error (parse, a limit, validation, variable coercion): no `data` entry. */
export function requestErrorReply(
  errors: readonly GraphQLError[],
  code: BoundaryErrorCode,
  mediaType: ResponseMediaType,
): GraphQLReply {
  return {
    status: mediaType === GRAPHQL_RESPONSE ? 400 : 200,
    body: { errors: errors.map((error) => formatWithCode(error, code)) },
  };
}

/**
 * What `execute` answered. Without `data` nothing ran: the variables did not coerce or no operation was selected,
 * a request error. So is `data: null` with errors none of which has a path: graphql-js answers that when the
 * schema has no root type for the operation (a subscription here), which fails before any field runs. Otherwise it
 * is an execution's result, 200 (with `data: null` too, when a field error bubbled up to the root).
 */
export function executionReply(result: ExecutionResult, context: ReplyContext): GraphQLReply {
  const errors = result.errors ?? [];
  const ranNothing =
    result.data === null && errors.length > 0 && errors.every((error) => error.path === undefined);
  if (!("data" in result) || ranNothing)
    return requestErrorReply(errors, "BAD_USER_INPUT", context.mediaType);
  if (errors.length === 0) return { status: 200, body: { data: result.data } };
  return {
    status: 200,
    body: { data: result.data, errors: errors.map((error) => fieldError(error, context)) },
  };
}

/** Codes of field errors that are the server's failure, not the client's: each leaves one log line. */
const SERVER_SIDE_CODES: ReadonlySet<string> = new Set(["UNAVAILABLE", "MISCONFIGURED"]);

/** Maps, passes through coded errors, and masks everything else; a failure of the server's side is logged once. */
function fieldError(error: GraphQLError, { log, mapError, requestId }: ReplyContext): GraphQLFormattedError {
  const original = error.originalError ?? error;
  const mapped = mapError?.(original);
  const chosen = mapped ?? error;
  const formatted = error.toJSON();
  const code = codeOf(chosen);
  if (code !== undefined) {
    if (SERVER_SIDE_CODES.has(code)) logFieldFailure(log, chosen, original, error.path);
    return mapped
      ? { ...formatted, message: mapped.message, extensions: { ...mapped.extensions } }
      : formatted;
  }
  logInternalError(log, original, error.path);
  return maskedError(requestId, formatted);
}

/** A failure of the server itself: 500, masked, logged. */
export function internalFailure(cause: unknown, { requestId, log }: ReplyContext): GraphQLReply {
  logInternalError(log, cause);
  return { status: 500, body: { errors: [maskedError(requestId)] } };
}

/**
 * A failure before execution that the mapper gave a code (a missing binding, say): 503 for UNAVAILABLE, 500
 * otherwise, with the mapped message (the mapper vouches it is fit for clients) and the request id; logged.
 */
export function codedFailure(
  error: GraphQLError,
  cause: unknown,
  { requestId, log }: ReplyContext,
): GraphQLReply {
  const status = codeOf(error) === "UNAVAILABLE" ? 503 : 500;
  logRequestFailure(log, status, error, cause);
  return {
    status,
    body: { errors: [{ message: error.message, extensions: { ...error.extensions, requestId } }] },
  };
}
