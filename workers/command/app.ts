/**
 * The command worker's app: GraphQL at /graphql (GraphiQL for browsers) and a health check. The to-do app and
 * GraphiQL's files are static assets, answered before the worker runs (see wrangler.command.toml).
 */
import { Hono } from "hono";
import { ConfigError } from "../../shared/errors";
import { type CommandDeps, commandDeps } from "./deps";
import { mapError } from "./errors";
import { graphiqlPage } from "./graphiql";
import { createGraphQLHandler, requestIdFrom } from "./graphql";
import { rootResolver } from "./resolvers";
import { schema } from "./schema";
import { introspectionEnabled } from "./settings";

export type CommandEnv = {
  Bindings: Cloudflare.Env;
  Variables: { deps: CommandDeps; requestId: string };
};

const bindings = (env: Cloudflare.Env) => env;

/** One JSON line for an answer outside GraphQL (the GraphQL boundary logs its own). */
function log(level: "info" | "error", message: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ worker: "command", level, msg: message, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

/**
 * Every answer carries an `x-request-id` (the client's when it is a sane token, else a new UUID), and every log
 * line about the request names it. On /graphql, failures are GraphQL error bodies, coded; elsewhere they are
 * `{ error, code }` JSON. A missing or malformed binding is answered `MISCONFIGURED` (500) naming the binding
 * (never its value); anything unexpected is masked as `INTERNAL_SERVER_ERROR` and logged in full.
 */
export function createCommandApp() {
  const app = new Hono<CommandEnv>();
  const graphql = createGraphQLHandler<CommandEnv>({
    schema,
    // Bindings are validated here, inside the boundary, so a missing one is a coded GraphQL error.
    rootResolver: (c) => {
      c.set("deps", commandDeps(bindings(c.env)));
      return rootResolver(c);
    },
    introspection: (c) => introspectionEnabled(bindings(c.env)),
    requestId: (c) => c.get("requestId"),
    graphiql: graphiqlPage,
    mapError,
  });

  app.use("*", async (c, next) => {
    const requestId = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    await next();
    c.header("x-request-id", requestId);
  });

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const requestId = c.get("requestId");
    log("info", "no route", { requestId, status: 404, code: "NOT_FOUND", method: c.req.method, path });
    return c.json(
      { error: `no route ${c.req.method} ${path}; GraphQL is at /graphql`, code: "NOT_FOUND" },
      404,
    );
  });
  app.onError((err, c) => {
    const requestId = c.get("requestId");
    if (err instanceof ConfigError) {
      log("error", "configuration error", {
        requestId,
        status: 500,
        code: "MISCONFIGURED",
        error: err.message,
      });
      return c.json({ error: err.message, code: "MISCONFIGURED", requestId }, 500);
    }
    const detail = err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : err;
    log("error", "internal error", { requestId, status: 500, code: "INTERNAL_SERVER_ERROR", error: detail });
    return c.json({ error: "internal error", code: "INTERNAL_SERVER_ERROR", requestId }, 500);
  });

  app.get("/health", (c) => c.json({ ok: true, worker: "command" }));
  app.all("/health", (c) => {
    const requestId = c.get("requestId");
    log("info", "method not allowed", {
      requestId,
      status: 405,
      code: "METHOD_NOT_ALLOWED",
      method: c.req.method,
    });
    return c.json({ error: "/health only answers GET", code: "METHOD_NOT_ALLOWED" }, 405, {
      allow: "GET, HEAD",
    });
  });

  app.all("/graphql", (c) => graphql(c));

  return app;
}
