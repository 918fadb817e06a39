/**
 * The command worker's static assets, served in workerd as deployed: the to-do app at /, GraphiQL at /graphql for
 * browsers, and nothing on any page loaded from another origin.
 */
import { describe, expect, it } from "vitest";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

/** Every src= and href= of a page's <script> and <link> elements. */
function loadedUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
}

describe("static assets", () => {
  it("GET /: the TodoMVC page, with its script and styles from this origin", async () => {
    const res = await fetch(`${sys().commandUrl}/`, { headers: HTML });
    const html = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    for (const name of ["new-todo", "todo-list", "toggle-all", "todo-count", "clear-completed", "filters"]) {
      expect(html).toContain(`class="${name}"`);
    }
    expect(loadedUrls(html)).toEqual(["/favicon.svg", "/style.css", "/app.js"]);
  });

  it("GET /app.js, /style.css: the built app and todomvc-app-css (attributed)", async () => {
    const js = await fetch(`${sys().commandUrl}/app.js`);
    const css = await fetch(`${sys().commandUrl}/style.css`);

    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(css.status).toBe(200);
    const style = await css.text();
    expect(style).toContain(".todoapp");
    expect(style).toContain("todomvc-app-css (CC BY 4.0, Sindre Sorhus)");
  });

  it("GET /graphql: a browser gets GraphiQL, whose files come from this worker", async () => {
    const res = await fetch(`${sys().commandUrl}/graphql`, { headers: HTML });
    const html = await res.text();

    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(html).toContain("<title>GraphiQL</title>");
    expect(loadedUrls(html)).toEqual(["/favicon.svg", "/graphiql/style.css", "/graphiql/graphiql.js"]);
    for (const url of loadedUrls(html)) {
      expect((await fetch(`${sys().commandUrl}${url}`)).status, url).toBe(200);
    }
  });

  it("GET /favicon.svg: the pages' icon, from the static assets", async () => {
    const res = await fetch(`${sys().commandUrl}/favicon.svg`);

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await res.text()).toMatch(/^<svg /);
  });

  it("GET /favicon.ico: what a browser asks for by itself is sent on to the icon, never a 404", async () => {
    const res = await fetch(`${sys().commandUrl}/favicon.ico`, { redirect: "manual" });

    expect({ status: res.status, location: res.headers.get("location") }).toEqual({
      status: 301,
      location: "/favicon.svg",
    });
  });

  it("GET /graphql: a JSON client still gets GraphQL", async () => {
    const res = await fetch(`${sys().commandUrl}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { accept: "application/json" },
    });
    expect(await res.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("GET /no-such-file: the worker's JSON 404, not an HTML page", async () => {
    const res = await fetch(`${sys().commandUrl}/no-such-file`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
  });
});
