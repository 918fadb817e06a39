/**
 * The command worker's app: GraphQL at /graphql (GraphiQL for browsers) and a health check. The to-do app and
 * GraphiQL's files are static assets, answered before the worker runs (see wrangler.command.toml).
 */
import { type Context, Hono } from "hono";
import { ConfigError } from "../../shared/errors";
import { createLogger, errorFields } from "../../shared/http/log";
import { requestId } from "../../shared/http/request-id";
import { securityHeaders } from "../../shared/http/security-headers";
import { createStatusCache } from "../../shared/projection/status-cache";
import { requestCost } from "./cost";
import { type CommandDeps, commandDeps } from "./deps";
import type { CommandEnv } from "./env";
import { mapError } from "./errors";
import { graphiqlPage } from "./graphiql";
import { createGraphQLHandler } from "./graphql";
import type { ProjectionView } from "./queries";
import { rateLimits } from "./rate-limits";
import { rootResolver } from "./resolvers";
import { schema } from "./schema";
import { introspectionEnabled } from "./settings";

export type { CommandEnv } from "./env";

/** What the app is built over. */
export interface CommandAppOptions {
  /**
   * The adapters the read and write services use, for every request. Default: built per request from the
   * bindings, which are validated then (a missing one is answered `MISCONFIGURED` naming it).
   */
  deps?: CommandDeps;
  /**
   * Live updates' routes (live/route.ts, runtime-only: WebSockets and Durable Objects), which the worker's entry
   * passes; without them a WebSocket upgrade of /graphql is refused and POST /live is not a route.
   */
  live?: LiveRoutes;
}

/** The routes of live updates: a subscription socket's upgrade of /graphql, and the projector's notices. */
export interface LiveRoutes {
  upgrade(c: Context<CommandEnv>, deps: CommandDeps): Promise<Response>;
  notice(c: Context<CommandEnv>): Promise<Response>;
}

/** A log line for a request, with its id. */
const logFor = (c: Context<CommandEnv>) => createLogger("command", { requestId: c.get("requestId") });

/**
 * Every answer carries the security headers (shared/http/security-headers.ts) and an `x-request-id` (the client's
 * when it is a sane token, else a new UUID), and every log line about the request names it. On /graphql, failures are GraphQL error bodies, coded; elsewhere they are
 * `{ error, code }` JSON. A missing or malformed binding is answered `MISCONFIGURED` (500) naming the binding
 * (never its value); anything unexpected is masked as `INTERNAL_SERVER_ERROR` and logged in full.
 */
export function createCommandApp(options: CommandAppOptions = {}) {
  const depsFor = (c: Context<CommandEnv>): CommandDeps => options.deps ?? commandDeps(c.env);
  const app = new Hono<CommandEnv>();
  // One per app, so per isolate: the projection's status is read at most once every few seconds.
  const status = createStatusCache<ProjectionView>();
  const graphql = createGraphQLHandler<CommandEnv>({
    schema,
    // Dependencies are built here, inside the boundary, so a missing binding is a coded GraphQL error.
    rootResolver: (c) => rootResolver(depsFor(c), c, status),
    cost: (request) => requestCost(schema, request),
    introspection: (c) => introspectionEnabled(c.env),
    graphiql: graphiqlPage,
    mapError,
    // Per client address, from the REQUEST_LIMITER and MUTATION_LIMITER bindings (a missing one: MISCONFIGURED).
    admission: rateLimits,
  });

  app.use("*", requestId());
  app.use("*", securityHeaders());

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    logFor(c).info("no route", { status: 404, code: "NOT_FOUND", method: c.req.method, path });
    return c.json(
      { error: `no route ${c.req.method} ${path}; GraphQL is at /graphql`, code: "NOT_FOUND" },
      404,
    );
  });
  app.onError((err, c) => {
    const requestId = c.get("requestId");
    if (err instanceof ConfigError) {
      logFor(c).error("configuration error", { status: 500, code: "MISCONFIGURED", error: err.message });
      return c.json({ error: err.message, code: "MISCONFIGURED", requestId }, 500);
    }
    logFor(c).error("internal error", {
      status: 500,
      code: "INTERNAL_SERVER_ERROR",
      error: errorFields(err),
    });
    return c.json({ error: "internal error", code: "INTERNAL_SERVER_ERROR", requestId }, 500);
  });

  app.get("/health", (c) => c.json({ ok: true, worker: "command" }));
  // Browsers ask for /favicon.ico by themselves (a page with no icon link, a JSON answer opened in a tab): send
  // them to the static icon the pages link, rather than log a 404 on every visit.
  app.get("/favicon.ico", (c) => c.redirect("/favicon.svg", 301));
  app.all("/health", (c) => {
    logFor(c).info("method not allowed", { status: 405, code: "METHOD_NOT_ALLOWED", method: c.req.method });
    return c.json({ error: "/health only answers GET", code: "METHOD_NOT_ALLOWED" }, 405, {
      allow: "GET, HEAD",
    });
  });

  // A WebSocket upgrade of /graphql is a subscription's socket, handed to the list's hub (live/route.ts).
  const live = options.live;
  app.get("/graphql", (c, next) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return next();
    if (live) return live.upgrade(c, depsFor(c));
    return c.json({ error: "subscriptions are not served here", code: "NOT_IMPLEMENTED" }, 501);
  });
  app.all("/graphql", (c) => graphql(c));
  // The projector's notices of applied batches, for the hubs.
  if (live) app.post("/live", (c) => live.notice(c));

  return app;
}
