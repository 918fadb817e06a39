import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Codes the GraphQL-over-HTTP boundary itself writes into `extensions.code`. */
export type BoundaryErrorCode =
  | "GRAPHQL_PARSE_FAILED"
  | "GRAPHQL_VALIDATION_FAILED"
  | "BAD_USER_INPUT"
  | "BAD_REQUEST"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "METHOD_NOT_ALLOWED"
  | "NOT_ACCEPTABLE"
  | "INTERNAL_SERVER_ERROR";

/**
 * A GraphQL error that carries a client-facing `extensions.code`. Resolvers throw it for expected
 * failures (`NOT_FOUND`, `CONFLICT`, ...); the boundary passes it through unmasked. Anything a
 * resolver throws that has no code is treated as an internal error and masked.
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

/** Formats an error for the wire, adding `fallbackCode` when the error carries no code of its own. */
export function formatWithCode(error: GraphQLError, fallbackCode: BoundaryErrorCode): GraphQLFormattedError {
  const formatted = error.toJSON();
  return { ...formatted, extensions: { ...formatted.extensions, code: codeOf(error) ?? fallbackCode } };
}

/** Writes one structured JSON line for an error the client only sees masked. */
export function logInternalError(
  requestId: string,
  error: unknown,
  path?: ReadonlyArray<string | number>,
): void {
  const detail =
    error instanceof Error
      ? { name: error.name, message: error.message, stack: error.stack }
      : { value: String(error) };
  console.error(
    JSON.stringify({ level: "error", event: "graphql.internal_error", requestId, path, error: detail }),
  );
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
