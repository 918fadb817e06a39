/** The command worker's app: GraphQL at /graphql, a health check, and nothing else. */
import { Hono } from "hono";
import { ConfigError } from "../../shared/errors";
import { type CommandDeps, commandDeps } from "./deps";
import { mapError } from "./errors";
import { createGraphQLHandler } from "./graphql";
import { rootResolver } from "./resolvers";
import { schema } from "./schema";

export type CommandEnv = { Bindings: Cloudflare.Env; Variables: { deps: CommandDeps } };

export function createCommandApp() {
  const app = new Hono<CommandEnv>();
  const graphql = createGraphQLHandler<CommandEnv>({ schema, rootResolver, graphiql: true, mapError });

  app.notFound((c) =>
    c.json(
      {
        error: `no route ${c.req.method} ${new URL(c.req.url).pathname}; GraphQL is at /graphql`,
        code: "NOT_FOUND",
      },
      404,
    ),
  );
  app.onError((err, c) => {
    if (err instanceof ConfigError) {
      console.error(JSON.stringify({ worker: "command", msg: "configuration error", error: err.message }));
      return c.json({ error: err.message, code: "MISCONFIGURED" }, 500);
    }
    console.error(
      JSON.stringify({
        worker: "command",
        msg: "internal error",
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    return c.json({ error: "internal error", code: "INTERNAL_SERVER_ERROR" }, 500);
  });

  app.get("/health", (c) => c.json({ ok: true, worker: "command" }));

  app.all("/graphql", async (c) => {
    c.set("deps", commandDeps(c.env as unknown as Record<string, unknown>));
    return graphql(c);
  });

  return app;
}
