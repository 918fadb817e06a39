/** The boundary's errors: coded ones clients see, refusals before execution, and how messages are bounded. */
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Codes the GraphQL-over-HTTP boundary itself writes into `extensions.code`. */
export type BoundaryErrorCode =
  | "GRAPHQL_PARSE_FAILED"
  | "GRAPHQL_VALIDATION_FAILED"
  | "BAD_USER_INPUT"
  | "BAD_REQUEST"
  | "PAYLOAD_TOO_LARGE"
  | "REQUEST_TIMEOUT"
  | "URI_TOO_LONG"
  | "QUERY_TOO_COMPLEX"
  | "QUERY_TOO_COSTLY"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "METHOD_NOT_ALLOWED"
  | "NOT_ACCEPTABLE"
  | "RATE_LIMITED"
  | "INTERNAL_SERVER_ERROR";

/**
 * A GraphQL error that carries a client-facing `extensions.code`: what the handler's `mapError` answers for an
 * expected failure (`NOT_FOUND`, `CONFLICT`, ...), passed through unmasked. A resolver may throw it too. Anything
 * with no code is treated as an internal error and masked.
 */
export class GraphQLAppError extends GraphQLError {
  readonly code: string;

  constructor(
    code: string,
    message: string,
    options: { extensions?: Record<string, unknown>; cause?: Error } = {},
  ) {
    super(message, { extensions: { ...options.extensions, code }, originalError: options.cause });
    this.name = "GraphQLAppError";
    this.code = code;
  }
}

/**
 * A request the boundary refuses before execution (bad envelope, method, media type, size).
 * Thrown inside the handler and turned into a response there; never escapes to Hono.
 */
export class GraphQLRequestError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: BoundaryErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GraphQLRequestError";
  }
}

/** The string `extensions.code` of an error, if it has one. */
export function codeOf(error: GraphQLError): string | undefined {
  const code = error.extensions.code;
  return typeof code === "string" ? code : undefined;
}

/** Longest message a request error carries: graphql-js quotes the client's input (names, values) in full. */
const MAX_MESSAGE_CHARS = 500;

/** Cuts a message quoting a huge input down to a readable size (never inside a surrogate pair). */
export function boundedMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const cut = /[\uD800-\uDBFF]$/.test(message.slice(0, MAX_MESSAGE_CHARS))
    ? MAX_MESSAGE_CHARS - 1
    : MAX_MESSAGE_CHARS;
  return `${message.slice(0, cut)}… (truncated)`;
}

/** Formats an error for the wire, adding `fallbackCode` when the error carries no code of its own. */
export function formatWithCode(error: GraphQLError, fallbackCode: BoundaryErrorCode): GraphQLFormattedError {
  const formatted = error.toJSON();
  return {
    ...formatted,
    message: boundedMessage(formatted.message),
    extensions: { ...formatted.extensions, code: codeOf(error) ?? fallbackCode },
  };
}

/** The masked stand-in for an internal error, carrying the request id so logs can be found. */
export function maskedError(
  requestId: string,
  at?: Pick<GraphQLFormattedError, "locations" | "path">,
): GraphQLFormattedError {
  return {
    message: "Internal server error",
    ...(at?.locations ? { locations: at.locations } : {}),
    ...(at?.path ? { path: at.path } : {}),
    extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
  };
}
