import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  codeOf,
  formatWithCode,
  logFieldFailure,
  logInternalError,
  logRequestFailure,
  maskedError,
} from "./errors";
import type { ServerAnswer } from "./execute";
import { GRAPHQL_RESPONSE, type ResponseMediaType } from "./media-type";

/** Maps an unexpected resolver error to a coded one; undefined leaves it to be masked. */
export type ErrorMapper = (error: unknown) => GraphQLError | undefined;

/** A GraphQL response ready to be written: HTTP status and the JSON body. */
export interface GraphQLReply {
  status: ContentfulStatusCode;
  body: { data?: unknown; errors?: GraphQLFormattedError[] };
}

interface ReplyContext {
  mediaType: ResponseMediaType;
  requestId: string;
  mapError: ErrorMapper | undefined;
}

/**
 * A request error (parse, validation, coercion): no `data` entry; 200 for application/json, 400 for
 * application/graphql-response+json (GraphQL over HTTP, "Response" sections).
 */
export function requestErrorReply(
  errors: readonly GraphQLError[],
  code: "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED" | "BAD_USER_INPUT" | "QUERY_TOO_COMPLEX",
  mediaType: ResponseMediaType,
): GraphQLReply {
  return {
    status: mediaType === GRAPHQL_RESPONSE ? 400 : 200,
    body: { errors: errors.map((error) => formatWithCode(error, code)) },
  };
}

/**
 * Reads what `graphqlServer` answered for a request that was already checked to be a well-formed POST
 * whose document parses, against a schema asserted valid at startup. Under those preconditions:
 * - 200 carries the execution result;
 * - 400 carries validation errors (graphqlServer's other 400s need inputs the wrapper never sends);
 * - 500 means `data` was null: errors with a `path` are field errors (null bubbled to the root, a
 *   successful execution); errors without one come from before execution (variable coercion, operation
 *   selection), a request error.
 * Anything else is an internal failure.
 */
export function interpretAnswer(answer: ServerAnswer | undefined, context: ReplyContext): GraphQLReply {
  const payload = answer?.payload;
  const errors = isRecord(payload) ? graphqlErrors(payload.errors) : undefined;
  if (answer === undefined || !isRecord(payload) || errors === undefined) {
    return internalFailure(new Error("graphqlServer gave no usable answer"), context.requestId);
  }
  if (answer.status === 200 && "data" in payload) {
    return executed(payload.data, errors, context);
  }
  if (answer.status === 400 && errors.length > 0 && errors.every((error) => !error.originalError)) {
    return requestErrorReply(errors, "GRAPHQL_VALIDATION_FAILED", context.mediaType);
  }
  if (answer.status === 500 && errors.length > 0) {
    if (errors.some((error) => error.path !== undefined)) return executed(null, errors, context);
    return requestErrorReply(errors, "BAD_USER_INPUT", context.mediaType);
  }
  return internalFailure(errors[0]?.originalError ?? errors[0], context.requestId);
}

/** An execution happened: 200 whatever the errors (partial data or data null are still results). */
function executed(data: unknown, errors: readonly GraphQLError[], context: ReplyContext): GraphQLReply {
  if (errors.length === 0) return { status: 200, body: { data } };
  return { status: 200, body: { data, errors: errors.map((error) => fieldError(error, context)) } };
}

/** Codes of field errors that are the server's failure, not the client's: each leaves one log line. */
const SERVER_SIDE_CODES: ReadonlySet<string> = new Set(["UNAVAILABLE", "MISCONFIGURED"]);

/** Maps, passes through coded errors, and masks everything else; a failure of the server's side is logged once. */
function fieldError(error: GraphQLError, { mapError, requestId }: ReplyContext): GraphQLFormattedError {
  const original = error.originalError ?? error;
  const mapped = mapError?.(original);
  const chosen = mapped ?? error;
  const formatted = error.toJSON();
  const code = codeOf(chosen);
  if (code !== undefined) {
    if (SERVER_SIDE_CODES.has(code)) logFieldFailure(requestId, chosen, original, error.path);
    return mapped
      ? { ...formatted, message: mapped.message, extensions: { ...mapped.extensions } }
      : formatted;
  }
  logInternalError(requestId, original, error.path);
  return maskedError(requestId, formatted);
}

/** A failure of the server itself: 500, masked, logged. */
export function internalFailure(cause: unknown, requestId: string): GraphQLReply {
  logInternalError(requestId, cause);
  return { status: 500, body: { errors: [maskedError(requestId)] } };
}

/**
 * A failure before execution that `mapError` gave a code (a missing binding, say): 503 for UNAVAILABLE, 500
 * otherwise, with the mapped message (the mapper vouches it is fit for clients) and the request id; logged.
 */
export function codedFailure(error: GraphQLError, requestId: string, cause?: unknown): GraphQLReply {
  const status = codeOf(error) === "UNAVAILABLE" ? 503 : 500;
  logRequestFailure(requestId, status, error, cause);
  return {
    status,
    body: { errors: [{ message: error.message, extensions: { ...error.extensions, requestId } }] },
  };
}

function graphqlErrors(value: unknown): GraphQLError[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((error) => error instanceof GraphQLError)) return undefined;
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
