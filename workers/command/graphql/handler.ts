import {
  assertValidSchema,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  parse,
} from "graphql";
import type { Context, Env } from "hono";
import {
  codedFailure,
  type ErrorMapper,
  type GraphQLReply,
  internalFailure,
  interpretAnswer,
  requestErrorReply,
} from "./answer";
import { codeOf, GraphQLRequestError, logRefusal } from "./errors";
import { createExecutor } from "./execute";
import {
  DEFAULT_LIMITS,
  documentLimitErrors,
  exceedsTokens,
  type GraphQLLimits,
  tokenLimitError,
} from "./limits";
import { JSON_MEDIA_TYPE, negotiate } from "./media-type";
import { type GraphQLParams, readGetParams, readPostParams } from "./params";

/** Options of {@link createGraphQLHandler}. */
export interface GraphQLHandlerOptions<E extends Env = Env> {
  schema: GraphQLSchema;
  /** Computes the root value per request; resolvers also receive `c` as their context. */
  rootResolver?: (c: Context<E>) => unknown;
  /**
   * The GraphiQL page, answered to a GET without `query` from a client preferring text/html. Unset: such a GET is
   * a GraphQL request without a query (400).
   */
  graphiql?: (c: Context<E>) => Response | Promise<Response>;
  /** Largest accepted POST body (and GET query string) in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
  /**
   * Answer `__schema`/`__type`; when false they fail validation and error messages drop their "Did you mean"
   * suggestions (which would spell the schema out). Default true. A function is asked per request, after the
   * document passed its limits; what it throws is handled like a `rootResolver` failure.
   */
  introspection?: boolean | ((c: Context<E>) => boolean);
  /** Bounds on documents and variables; each unset one keeps its {@link DEFAULT_LIMITS} value. */
  limits?: Partial<GraphQLLimits>;
  /** The request's id (from a middleware, say). Default: the client's `x-request-id` when sane, else a UUID. */
  requestId?: (c: Context<E>) => string;
  /**
   * Turns an error into a coded GraphQL error: a resolver's (its `originalError`) before masking, and a
   * `rootResolver` or `introspection` failure, which is then answered 5xx with its code instead of masked.
   */
  mapError?: ErrorMapper;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * A GraphQL-over-HTTP endpoint for Hono, executing through `@hono/graphql-server` and fixing its
 * boundary: Accept negotiation, strict request parsing, limits checked before validation, spec status codes,
 * coded and masked errors, one log line per refused or failed request, and an `x-request-id` on every
 * response. Mount it with `app.all(path, handler)` so that other methods get a proper 405.
 */
export function createGraphQLHandler<E extends Env = Env>(
  options: GraphQLHandlerOptions<E>,
): (c: Context<E>) => Promise<Response> {
  // A broken schema is a deployment bug: fail at startup rather than answer 500 to every request.
  assertValidSchema(options.schema);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits: GraphQLLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const open = createExecutor<E>(options.schema, []);
  const closed = createExecutor<E>(options.schema, [NoSchemaIntrospectionCustomRule]);
  const introspectionOf = (c: Context<E>): boolean =>
    typeof options.introspection === "function" ? options.introspection(c) : options.introspection !== false;

  return async (c) => {
    const requestId = options.requestId?.(c) ?? requestIdFrom(c.req.header("x-request-id"));
    const { mediaType, prefersHtml } = negotiate(c.req.header("accept") ?? null);
    let hideSuggestions = false;
    const send = (reply: GraphQLReply, headers: Record<string, string> = {}) => {
      const body = hideSuggestions ? withoutSuggestions(reply.body) : reply.body;
      if (!("data" in body) && reply.status < 500) logRefusal(requestId, reply.status, body.errors ?? []);
      return c.body(JSON.stringify(body), reply.status, {
        ...headers,
        "content-type": `${mediaType ?? JSON_MEDIA_TYPE}; charset=utf-8`,
        "x-request-id": requestId,
        vary: "accept",
      });
    };

    try {
      const method = c.req.method;
      if (method !== "GET" && method !== "POST") {
        throw new GraphQLRequestError(405, "METHOD_NOT_ALLOWED", "GraphQL is served over GET and POST.", {
          allow: "GET, POST",
        });
      }
      const url = new URL(c.req.url);
      if (method === "GET" && options.graphiql && prefersHtml && !url.searchParams.has("query")) {
        const page = await options.graphiql(c);
        const headers = new Headers(page.headers);
        headers.set("x-request-id", requestId);
        headers.append("vary", "accept");
        return new Response(page.body, { status: page.status, headers });
      }
      if (mediaType === undefined) {
        throw new GraphQLRequestError(
          406,
          "NOT_ACCEPTABLE",
          "Accept must allow application/graphql-response+json or application/json.",
        );
      }
      const params =
        method === "GET"
          ? readGetParams(url, maxBodyBytes, limits)
          : await readPostParams(c.req.raw, maxBodyBytes, limits);
      if (exceedsTokens(params.query, limits.maxTokens)) {
        return send(requestErrorReply([tokenLimitError(limits.maxTokens)], "QUERY_TOO_COMPLEX", mediaType));
      }
      const document = parseDocument(params.query);
      if (document instanceof GraphQLError) {
        return send(requestErrorReply([document], "GRAPHQL_PARSE_FAILED", mediaType));
      }
      const tooComplex = documentLimitErrors(document, limits);
      if (tooComplex.length > 0) return send(requestErrorReply(tooComplex, "QUERY_TOO_COMPLEX", mediaType));
      if (method === "GET") assertReadOnly(document, params);
      const introspection = introspectionOf(c);
      hideSuggestions = !introspection;
      const rootValue = options.rootResolver ? await options.rootResolver(c) : undefined;
      const execute = introspection ? open : closed;
      const answer = await execute(c, params, requestId, rootValue);
      return send(interpretAnswer(answer, { mediaType, requestId, mapError: options.mapError }));
    } catch (error) {
      if (error instanceof GraphQLRequestError) {
        const body = { errors: [{ message: error.message, extensions: { code: error.code } }] };
        return send({ status: error.status, body }, error.headers);
      }
      const mapped = options.mapError?.(error);
      if (mapped && codeOf(mapped) !== undefined) return send(codedFailure(mapped, requestId, error));
      return send(internalFailure(error, requestId));
    }
  };
}

/** Drops graphql-js's "Did you mean ...?" hints, which list schema names to a client not meant to see them. */
function withoutSuggestions(body: GraphQLReply["body"]): GraphQLReply["body"] {
  if (!body.errors) return body;
  return {
    ...body,
    errors: body.errors.map((error) => ({
      ...error,
      message: error.message.replace(/ Did you mean .*\?$/, ""),
    })),
  };
}

function parseDocument(query: string): DocumentNode | GraphQLError {
  try {
    return parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}

/** GraphQL over HTTP: a GET must not run anything but a query; the client should retry with POST. */
function assertReadOnly(document: DocumentNode, params: GraphQLParams): void {
  const operation = getOperationAST(document, params.operationName);
  if (operation && operation.operation !== "query") {
    throw new GraphQLRequestError(
      405,
      "METHOD_NOT_ALLOWED",
      `Cannot run a ${operation.operation} over GET: use POST.`,
      { allow: "POST" },
    );
  }
}

/** Keeps the caller's request id when it is a plain token (so it is safe in logs and headers), else a new UUID. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : crypto.randomUUID();
}
