/**
 * GraphiQL at /graphql for browsers: its page (web/static/graphiql/index.html) comes from the worker's static
 * assets, and so do its scripts, bundled from the `graphiql` package; nothing is fetched from another origin.
 */
import type { Context } from "hono";
import { GRAPHIQL_CONTENT_SECURITY_POLICY, policyText } from "../../shared/http/security-headers";
import type { CommandEnv } from "./env";

interface AssetsFetcher {
  fetch(input: Request | string | URL): Promise<Response>;
}

function assetsOf(env: unknown): AssetsFetcher | undefined {
  const assets = (env as { ASSETS?: unknown }).ASSETS;
  return typeof assets === "object" && assets !== null && "fetch" in assets
    ? (assets as AssetsFetcher)
    : undefined;
}

export async function graphiqlPage(c: Context<CommandEnv>): Promise<Response> {
  const assets = assetsOf(c.env);
  const page = assets ? await assets.fetch(new URL("/graphiql/", c.req.url)) : undefined;
  if (page?.ok) {
    // Its own policy, whatever the assets answered: the strict one would refuse the styles its menus add.
    const headers = new Headers(page.headers);
    headers.set("content-security-policy", policyText(GRAPHIQL_CONTENT_SECURITY_POLICY));
    return new Response(page.body, { status: page.status, headers });
  }
  // Only a deployment without its assets gets here: say so rather than show a blank page.
  return c.text(
    "GraphiQL's files are not deployed with this worker (build them with `npm run build`). " +
      "The GraphQL API itself answers POST requests here.",
    404,
  );
}
