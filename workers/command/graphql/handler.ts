import { respondWithGraphiQL } from "@hono/graphql-server";
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
  type ErrorMapper,
  type GraphQLReply,
  internalFailure,
  interpretAnswer,
  requestErrorReply,
} from "./answer";
import { GraphQLRequestError } from "./errors";
import { createExecutor } from "./execute";
import { JSON_MEDIA_TYPE, negotiate } from "./media-type";
import { type GraphQLParams, readGetParams, readPostParams } from "./params";

/** Options of {@link createGraphQLHandler}. */
export interface GraphQLHandlerOptions<E extends Env = Env> {
  schema: GraphQLSchema;
  /** Computes the root value per request; resolvers also receive `c` as their context. */
  rootResolver?: (c: Context<E>) => unknown;
  /** Serve GraphiQL on a GET without `query` from a client preferring text/html. Default false. */
  graphiql?: boolean;
  /** Largest accepted POST body in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Answer `__schema`/`__type`; when false they fail validation. Default true. */
  introspection?: boolean;
  /** Turns a resolver's thrown error (its `originalError`) into a coded GraphQL error before masking. */
  mapError?: ErrorMapper;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * A GraphQL-over-HTTP endpoint for Hono, executing through `@hono/graphql-server` and fixing its
 * boundary: Accept negotiation, strict request parsing, spec status codes, coded and masked errors,
 * and an `x-request-id` on every response. Mount it with `app.all(path, handler)` so that other
 * methods get a proper 405.
 */
export function createGraphQLHandler<E extends Env = Env>(
  options: GraphQLHandlerOptions<E>,
): (c: Context<E>) => Promise<Response> {
  // A broken schema is a deployment bug: fail at startup rather than answer 500 to every request.
  assertValidSchema(options.schema);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const rules = options.introspection === false ? [NoSchemaIntrospectionCustomRule] : [];
  const execute = createExecutor<E>(options.schema, rules);

  return async (c) => {
    const requestId = requestIdFrom(c.req.header("x-request-id"));
    const { mediaType, prefersHtml } = negotiate(c.req.header("accept") ?? null);
    const send = (reply: GraphQLReply, headers: Record<string, string> = {}) =>
      c.body(JSON.stringify(reply.body), reply.status, {
        ...headers,
        "content-type": `${mediaType ?? JSON_MEDIA_TYPE}; charset=utf-8`,
        "x-request-id": requestId,
        vary: "accept",
      });

    try {
      const method = c.req.method;
      if (method !== "GET" && method !== "POST") {
        throw new GraphQLRequestError(405, "METHOD_NOT_ALLOWED", "GraphQL is served over GET and POST.", {
          allow: "GET, POST",
        });
      }
      const url = new URL(c.req.url);
      if (method === "GET" && options.graphiql && prefersHtml && !url.searchParams.has("query")) {
        const page = respondWithGraphiQL(c);
        page.headers.set("x-request-id", requestId);
        return page;
      }
      if (mediaType === undefined) {
        throw new GraphQLRequestError(
          406,
          "NOT_ACCEPTABLE",
          "Accept must allow application/graphql-response+json or application/json.",
        );
      }
      const params = method === "GET" ? readGetParams(url) : await readPostParams(c.req.raw, maxBodyBytes);
      const document = parseDocument(params.query);
      if (document instanceof GraphQLError) {
        return send(requestErrorReply([document], "GRAPHQL_PARSE_FAILED", mediaType));
      }
      if (method === "GET") assertReadOnly(document, params);
      const rootValue = options.rootResolver ? await options.rootResolver(c) : undefined;
      const answer = await execute(c, params, requestId, rootValue);
      return send(interpretAnswer(answer, { mediaType, requestId, mapError: options.mapError }));
    } catch (error) {
      if (error instanceof GraphQLRequestError) {
        const body = { errors: [{ message: error.message, extensions: { code: error.code } }] };
        return send({ status: error.status, body }, error.headers);
      }
      return send(internalFailure(error, requestId));
    }
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

/** Keeps the caller's request id when it is a plain token (so it is safe in logs and headers). */
function requestIdFrom(header: string | undefined): string {
  return header !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : crypto.randomUUID();
}
