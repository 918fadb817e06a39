import { graphqlServer } from "@hono/graphql-server";
import type { GraphQLSchema, ValidationRule } from "graphql";
import type { Context, Env } from "hono";
import type { GraphQLParams } from "./params";

/** What `graphqlServer` answered, taken before serialization so errors keep their `originalError`. */
export interface ServerAnswer {
  status: number;
  payload: unknown;
}

/** Runs one validated request through `@hono/graphql-server`. */
export type Executor<E extends Env> = (
  c: Context<E>,
  params: GraphQLParams,
  requestId: string,
  rootValue: unknown,
) => Promise<ServerAnswer | undefined>;

/**
 * Wraps `graphqlServer` so it only ever sees the one input it handles well: a POST of
 * `application/json` with a well-formed body and no query string (it gives URL parameters priority).
 *
 * Two adaptations, both scoped to the call:
 * - `c.req.raw` is swapped for the normalized request, so resolvers still get the real context
 *   (`c.env`, `c.var`, `c.executionCtx`) and the client's headers, plus `x-request-id`.
 * - `graphqlServer` receives a view of `c` whose `json` records the result object instead of
 *   serializing it; the wrapper needs the `GraphQLError`s with their `originalError` to map and mask.
 */
export function createExecutor<E extends Env>(
  schema: GraphQLSchema,
  validationRules: readonly ValidationRule[],
): Executor<E> {
  // The root value is computed by the wrapper (so a throwing rootResolver is masked, not echoed as a 400)
  // and handed to graphqlServer through the context view it is called with.
  const rootValues = new WeakMap<object, unknown>();
  const server = graphqlServer({ schema, validationRules, rootResolver: (view) => rootValues.get(view) });

  return async (c, params, requestId, rootValue) => {
    let answer: ServerAnswer | undefined;
    const record = (payload: unknown, status?: unknown): Response => {
      answer = { payload, status: typeof status === "number" ? status : 200 };
      return new Response(null, { status: 204 });
    };
    const view = new Proxy(c, {
      // Hono's Context keeps its state in private fields, so getters must run against the target.
      get: (target, key) => (key === "json" ? record : Reflect.get(target, key, target)),
      set: (target, key, value) => Reflect.set(target, key, value, target),
    });
    rootValues.set(view, rootValue);

    const original = c.req.raw;
    c.req.raw = normalizedRequest(original, params, requestId);
    try {
      await server(view, async () => {});
    } finally {
      c.req.raw = original;
    }
    return answer;
  };
}

function normalizedRequest(original: Request, params: GraphQLParams, requestId: string): Request {
  const url = new URL(original.url);
  url.search = "";
  const headers = new Headers(original.headers);
  headers.set("content-type", "application/json");
  headers.set("x-request-id", requestId);
  headers.delete("content-length");
  const { query, variables, operationName } = params;
  return new Request(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables, operationName }),
  });
}
