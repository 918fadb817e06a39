/**
 * Every answer of both workers, in workerd, carries the security headers: a strict Content-Security-Policy (nothing
 * from another origin, no plugins, no <base>, never in a frame), nosniff and no-referrer. That includes the static
 * assets, which are answered before the worker runs (their headers come from the assets' `_headers` file), the
 * GraphiQL page the worker serves from them, and every refusal and 404.
 */
import { describe, expect, it } from "vitest";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
const GQL = { "content-type": "application/json", accept: "application/graphql-response+json" };

/** The directives every page and answer must have, whatever else its policy allows. */
const REQUIRED = ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"];

function expectSecurityHeaders(res: Response, what: string): void {
  const policy = res.headers.get("content-security-policy") ?? "";
  const directives = policy.split(";").map((d) => d.trim());
  for (const directive of REQUIRED) expect(directives, `${what}: ${policy}`).toContain(directive);
  // One policy only: two would both apply, and a looser one added later would not loosen anything.
  expect(policy, what).not.toContain(",");
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), what).toBe("no-referrer");
  expect(res.headers.get("x-frame-options"), what).toBe("DENY");
}

describe("security headers", () => {
  it.each<[string, string, RequestInit]>([
    ["the app, GET /", "/", { headers: HTML }],
    ["the app's script", "/app.js", {}],
    ["the app's styles", "/style.css", {}],
    ["the icon", "/favicon.svg", {}],
    ["GraphiQL's page, GET /graphql from a browser", "/graphql", { headers: HTML }],
    ["GraphiQL's script", "/graphiql/graphiql.js", {}],
    ["GraphQL over GET", `/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: GQL }],
    ["GraphQL over POST", "/graphql", { method: "POST", headers: GQL, body: '{"query":"{ __typename }"}' }],
    ["a refused GraphQL request", "/graphql", { method: "POST", headers: GQL, body: "not json" }],
    ["GET /health", "/health", {}],
    ["a 404", "/no-such-file", {}],
    ["a 405", "/health", { method: "DELETE" }],
  ])("command worker: %s", async (what, path, init) => {
    const res = await fetch(`${sys().commandUrl}${path}`, init);
    await res.arrayBuffer();

    expect(res.status, what).toBeLessThan(500);
    expectSecurityHeaders(res, what);
  });

  it.each<[string, string, RequestInit]>([
    ["GET /health", "/health", {}],
    ["GET /status", "/status", {}],
    ["an unsigned poke", "/projection", { method: "POST", body: "{}" }],
    ["a 405", "/projection", {}],
    ["a 404", "/nowhere", {}],
  ])("projector: %s", async (what, path, init) => {
    const res = await fetch(`${sys().projectorUrl}${path}`, init);
    await res.arrayBuffer();

    expect(res.status, what).toBeLessThan(500);
    expectSecurityHeaders(res, what);
  });

  it("GraphiQL, at /graphql and at its files' own address: the strict policy, but for inline styles", async () => {
    for (const path of ["/graphql", "/graphiql/"]) {
      const res = await fetch(`${sys().commandUrl}${path}`, { headers: HTML });
      expect(await res.text(), path).toContain("<title>GraphiQL</title>");
      expect(res.headers.get("content-security-policy"), path).toBe(
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; style-src 'self' 'unsafe-inline'",
      );
    }
  });

  it("the app and the API: the strict policy, with images from this origin and data: URLs only", async () => {
    for (const path of ["/", "/health"]) {
      const res = await fetch(`${sys().commandUrl}${path}`, { headers: HTML });
      await res.arrayBuffer();
      expect(res.headers.get("content-security-policy"), path).toBe(
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'none'",
      );
    }
  });
});
