/**
 * The command worker's HTTP surface in workerd: the graphql-http audit, request errors that must never be a
 * 500 (variable coercion, malformed JSON), the health check, unknown routes, and a missing binding.
 */
import { auditServer } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startSystem, type TestSystem } from "../support/system";
import { CREATE, UPDATE } from "./support/command-support";
import { useSystem } from "./support/use-system";

const GQL = "application/graphql-response+json";

// The audit asks for `__type`: introspection on, as `npm run dev` has it.
const sys = useSystem({ commandBindings: { GRAPHQL_INTROSPECTION: "true" } });

/** POSTs a raw body to /graphql; answers status, content type and the parsed JSON body. */
async function post(body: string, accept = GQL, url = `${sys().commandUrl}/graphql`) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body,
  });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
}

describe("graphql-http audit", () => {
  it("graphql-http audit: every MUST and SHOULD passes against the worker in workerd", async () => {
    const results = await auditServer({ url: `${sys().commandUrl}/graphql` });

    const failures = results
      .filter((r) => r.status !== "ok")
      .map((r) => `${r.id} ${r.name}: ${"reason" in r ? r.reason : ""}`);
    expect(failures, failures.join("\n")).toEqual([]);
    expect(results.filter((r) => r.name.startsWith("MUST"))).toHaveLength(13);
    expect(results.filter((r) => r.name.startsWith("SHOULD"))).toHaveLength(23);
  });
});

describe("request errors", () => {
  const coercion: Array<[string, Record<string, unknown>]> = [
    ["a string for a Boolean", { id: "00000000-0000-4000-8000-000000000000", text: "x", done: "yes" }],
    ["a missing required variable", { id: "00000000-0000-4000-8000-000000000000", text: "x" }],
    ["null for a non-null variable", { id: null, text: "x", done: true }],
    [
      "an Int beyond 32 bits",
      { id: "00000000-0000-4000-8000-000000000000", text: "x", done: true, expectedVersion: 2 ** 31 },
    ],
  ];

  for (const [name, variables] of coercion) {
    it(`POST /graphql: ${name} is a 400 BAD_USER_INPUT request error, not a 500`, async () => {
      const res = await post(JSON.stringify({ query: UPDATE, variables }));

      expect(res.status).toBe(400);
      expect(res.type).toBe(`${GQL}; charset=utf-8`);
      expect(res.body).toEqual({
        errors: [
          {
            message: expect.any(String),
            locations: expect.any(Array),
            extensions: { code: "BAD_USER_INPUT" },
          },
        ],
      });
    });
  }

  it("POST /graphql: a coercion error to an application/json client is a 200 without data", async () => {
    const res = await post(JSON.stringify({ query: CREATE, variables: { text: 42 } }), "application/json");

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'Variable "$text" got invalid value 42; String cannot represent a non string value: 42',
          locations: [{ line: 1, column: 11 }],
          extensions: { code: "BAD_USER_INPUT" },
        },
      ],
    });
  });

  for (const [name, body, message] of [
    ["malformed JSON", '{"query": "{ list { id } }"', "Request body is not valid JSON."],
    [
      "a JSON array (a batch)",
      "[]",
      "Batched requests (a JSON array) are not supported: send one JSON object per operation.",
    ],
    ["a JSON string", '"{ list { id } }"', "Request body must be a JSON object."],
    ["an empty body", "", "Request body is empty: send a JSON object."],
  ]) {
    it(`POST /graphql: ${name} is a 400 BAD_REQUEST, not a 500`, async () => {
      const res = await post(body ?? "");

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message, extensions: { code: "BAD_REQUEST" } }] });
    });
  }
});

describe("routes", () => {
  it("a WebSocket upgrade of /graphql without live updates (no LIVE_SECRET) is refused, so clients read instead", async () => {
    const socket = new WebSocket(
      `${sys().commandUrl.replace(/^http/, "ws")}/graphql?listId=x`,
      "graphql-transport-ws",
    );
    const status = await new Promise<number>((resolve, reject) => {
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
      socket.on("open", () => reject(new Error("the socket opened")));
      socket.on("error", () => undefined);
    });

    expect(status).toBe(501);
  });

  it("POST /live without live updates answers 404, whatever it carries", async () => {
    const res = await fetch(`${sys().commandUrl}/live`, {
      method: "POST",
      headers: { authorization: "Bearer guess", "content-type": "application/json" },
      body: "{}",
    });

    expect(res.status).toBe(404);
  });

  it("GET /health: answers 200 JSON", async () => {
    const res = await fetch(`${sys().commandUrl}/health`);

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: true, worker: "command" });
  });

  it("an unknown route: answers a JSON 404 naming where GraphQL is", async () => {
    const res = await fetch(`${sys().commandUrl}/nope?x=1`, { method: "POST" });

    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: "no route POST /nope; GraphQL is at /graphql",
      code: "NOT_FOUND",
    });
  });
});

describe("a missing binding", () => {
  let broken: TestSystem;

  beforeAll(async () => {
    broken = await startSystem({ bindings: { UPSTASH_REDIS_REST_TOKEN: "" } });
  });

  afterAll(async () => {
    await broken?.close();
  });

  it("POST /graphql: names the missing binding, without a stack trace", async () => {
    const res = await fetch(`${broken.commandUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: GQL },
      body: JSON.stringify({ query: CREATE, variables: { text: "never written" } }),
    });

    const text = await res.text();
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe(`${GQL}; charset=utf-8`);
    expect(JSON.parse(text)).toEqual({
      errors: [
        {
          message:
            "configuration: UPSTASH_REDIS_REST_TOKEN is missing (set it in wrangler.*.toml [vars], as a secret, or in .dev.vars)",
          extensions: { code: "MISCONFIGURED", requestId: res.headers.get("x-request-id") },
        },
      ],
    });
    expect(text).not.toMatch(/\bat\s+\S+\s+\(|\.ts:\d+|\.js:\d+/);
  });
});
