import {
  assertValidSchema,
  type DocumentNode,
  execute,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
} from "graphql";
import type { Context, Env } from "hono";
import { createLogger } from "../../../shared/http/log";
import { requestIdFrom } from "../../../shared/http/request-id";
import {
  codedFailure,
  type ErrorMapper,
  executionReply,
  type GraphQLReply,
  internalFailure,
  type ReplyContext,
  requestErrorReply,
} from "./answer";
import { createDocumentChecker } from "./documents";
import { codeOf, GraphQLRequestError } from "./errors";
import { DEFAULT_LIMITS, type GraphQLLimits } from "./limits";
import { logRefusal } from "./log";
import { JSON_MEDIA_TYPE, negotiate } from "./media-type";
import { type GraphQLParams, readGetParams, readPostParams } from "./params";

/**
 * Checks of who may be served, such as rate limits. A {@link GraphQLRequestError} thrown by one is answered like the
 * boundary's own refusals (its status, headers and code); anything else like a `rootResolver` failure.
 */
export interface Admission<E extends Env = Env> {
  /** Before anything of the request is read: every request to the endpoint meets it. */
  request?(c: Context<E>): void | Promise<void>;
  /** Once the document is valid and before it runs: `operation` is the one that runs, `document` has its fragments. */
  operation?(c: Context<E>, operation: OperationDefinitionNode, document: DocumentNode): void | Promise<void>;
}

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
  /**
   * What the request would cost past the app's bounds, asked once the document is valid and before anything runs
   * (with the operation to run and its variables): any error refuses the request whole, coded QUERY_TOO_COSTLY.
   */
  cost?: (request: GraphQLCostedRequest) => readonly GraphQLError[];
  /**
   * Turns an error into a coded GraphQL error: a resolver's (its `originalError`) before masking, and a
   * `rootResolver` or `introspection` failure, which is then answered 5xx with its code instead of masked.
   */
  mapError?: ErrorMapper;
  admission?: Admission<E>;
}

/** A request as the cost check sees it: its valid document, the operation it names and its variables. */
export interface GraphQLCostedRequest {
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | null | undefined;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * A GraphQL-over-HTTP endpoint for Hono over graphql-js: Accept negotiation, strict request parsing (the body is
 * read and JSON-parsed once; a query text is parsed, held to its limits and validated once per handler, which is
 * once per isolate, see documents.ts), limits checked before the schema's validation, spec status codes, coded and
 * masked errors, one log line per refused or failed request, and an `x-request-id` on every response (the app's
 * `requestId` middleware's id, else the client's when sane, else a UUID). Mount it with `app.all(path, handler)` so
 * that other methods get a proper 405.
 */
export function createGraphQLHandler<E extends Env = Env>(
  options: GraphQLHandlerOptions<E>,
): (c: Context<E>) => Promise<Response> {
  const { schema, mapError } = options;
  // A broken schema is a deployment bug: fail at startup rather than answer 500 to every request.
  assertValidSchema(schema);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits: GraphQLLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // Per handler, so per isolate: what a query text alone decides is worked out once (see documents.ts).
  const checkDocument = createDocumentChecker(schema, limits);
  const introspectionOf = (c: Context<E>): boolean =>
    typeof options.introspection === "function" ? options.introspection(c) : options.introspection !== false;

  return async (c) => {
    // Resolvers read the id from `c.var.requestId`, set here when no middleware did.
    const requestId = c.get("requestId") ?? requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    const { mediaType, prefersHtml } = negotiate(c.req.header("accept") ?? null);
    const reply: ReplyContext = {
      mediaType: mediaType ?? JSON_MEDIA_TYPE,
      requestId,
      log: createLogger("command", { requestId }),
      mapError,
    };
    let hideSuggestions = false;
    const send = (answer: GraphQLReply, headers: Record<string, string> = {}) => {
      const body = hideSuggestions ? withoutSuggestions(answer.body) : answer.body;
      if (!("data" in body) && answer.status < 500) logRefusal(reply.log, answer.status, body.errors ?? []);
      return c.body(JSON.stringify(body), answer.status, {
        ...headers,
        "content-type": `${reply.mediaType}; charset=utf-8`,
        "x-request-id": requestId,
        vary: "accept",
      });
    };
    const refuse = (errors: readonly GraphQLError[], code: Parameters<typeof requestErrorReply>[1]) =>
      send(requestErrorReply(errors, code, reply.mediaType));

    try {
      await options.admission?.request?.(c);
      const method = c.req.method;
      if (method !== "GET" && method !== "POST") {
        throw new GraphQLRequestError(405, "METHOD_NOT_ALLOWED", "GraphQL is served over GET and POST.", {
          allow: "GET, POST",
        });
      }
      const url = new URL(c.req.url);
      if (method === "GET" && options.graphiql && prefersHtml && !url.searchParams.has("query")) {
        return withHeaders(await options.graphiql(c), requestId);
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
      // Tokens, parse, document limits and validation, kept per text; the rest is this request's own.
      const checked = checkDocument(params.query);
      if ("refused" in checked) return refuse(checked.errors, checked.refused);
      const { document } = checked;
      if (method === "GET") assertReadOnly(document, params);
      const introspection = introspectionOf(c);
      hideSuggestions = !introspection;
      const invalid = checked.validationErrors(introspection);
      if (invalid.length > 0) return refuse(invalid, "GRAPHQL_VALIDATION_FAILED");
      if (schema.getSubscriptionType()) assertNotSubscription(document, params);
      const tooCostly = options.cost?.({
        document,
        operationName: params.operationName,
        variables: params.variables,
      });
      if (tooCostly && tooCostly.length > 0) return refuse(tooCostly, "QUERY_TOO_COSTLY");
      const operation = getOperationAST(document, params.operationName);
      if (operation) await options.admission?.operation?.(c, operation, document);
      const rootValue = options.rootResolver ? await options.rootResolver(c) : undefined;
      const result = await execute({
        schema,
        document,
        rootValue,
        contextValue: c,
        variableValues: params.variables,
        operationName: params.operationName,
      });
      return send(executionReply(result, reply));
    } catch (error) {
      if (error instanceof GraphQLRequestError) {
        const body = { errors: [{ message: error.message, extensions: { code: error.code } }] };
        return send({ status: error.status, body }, error.headers);
      }
      const mapped = mapError?.(error);
      if (mapped && codeOf(mapped) !== undefined) return send(codedFailure(mapped, error, reply));
      return send(internalFailure(error, reply));
    }
  };
}

/** A response made outside the context (the GraphiQL page, from the assets): it gets the request id and Vary too. */
function withHeaders(page: Response, requestId: string): Response {
  const headers = new Headers(page.headers);
  headers.set("x-request-id", requestId);
  headers.append("vary", "accept");
  return new Response(page.body, { status: page.status, headers });
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

/**
 * A subscription runs over a WebSocket (graphql-transport-ws), never as an HTTP request. (A schema without a
 * subscription type lets graphql-js answer that it has none.)
 */
function assertNotSubscription(document: DocumentNode, params: GraphQLParams): void {
  if (getOperationAST(document, params.operationName)?.operation !== "subscription") return;
  throw new GraphQLRequestError(
    400,
    "BAD_REQUEST",
    "A subscription runs over a WebSocket: connect to /graphql?listId=<the list's id or viewId> with the " +
      "graphql-transport-ws protocol (graphql-ws clients, GraphiQL).",
  );
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
