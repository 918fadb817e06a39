/**
 * The GraphQL boundary's limits, checked before validation and execution: tokens, depth, fields, aliases and
 * operations of the document, entries and nesting of `variables`, the GET query string, and the length of the
 * messages that quote the client's input. A document over a limit is a request error coded QUERY_TOO_COMPLEX
 * (200 to application/json, 400 to application/graphql-response+json) and runs nothing.
 */
import { buildSchema, getIntrospectionQuery } from "graphql";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createGraphQLHandler,
  DEFAULT_LIMITS,
  type GraphQLHandlerOptions,
} from "../../workers/command/graphql";

const URL_ = "http://localhost/graphql";
const GQL = "application/graphql-response+json";
const JSON_UTF8 = "application/json; charset=utf-8";
const GQL_UTF8 = `${GQL}; charset=utf-8`;

const schema = buildSchema(`
  type Node { name: String child: Node }
  type Query { node: Node hello(name: String): String }
  type Mutation { add(text: String!): String! }
`);

/** Texts `add` has seen: a refused document must not have run. */
const added: string[] = [];

const rootValue = {
  node: () => ({ name: "n", child: () => rootValue.node() }),
  hello: ({ name }: { name?: string }) => `Hello, ${name ?? "you"}!`,
  add: ({ text }: { text: string }) => {
    added.push(text);
    return text;
  },
};

function appWith(overrides: Partial<GraphQLHandlerOptions> = {}) {
  const app = new Hono();
  app.all("/graphql", createGraphQLHandler({ schema, rootResolver: () => rootValue, ...overrides }));
  return (input: string, init: RequestInit = {}) => app.request(input, init);
}

const small = appWith({
  limits: { maxTokens: 40, maxDepth: 3, maxFields: 6, maxAliases: 2, maxOperations: 2 },
});

function post(send: ReturnType<typeof appWith>, body: unknown, accept = GQL) {
  return send(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: JSON.stringify(body),
  });
}

async function reply(res: Response) {
  return { status: res.status, contentType: res.headers.get("content-type"), body: await res.json() };
}

const tooComplex = (...messages: string[]) => ({
  errors: messages.map((message) => ({ message, extensions: { code: "QUERY_TOO_COMPLEX" } })),
});

beforeEach(() => {
  added.length = 0;
  vi.spyOn(console, "log").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("tokens", () => {
  it("tokens: a document over the limit is QUERY_TOO_COMPLEX, 400 or 200 by media type", async () => {
    const query = `{ ${"hello ".repeat(40)}}`;
    const expected = tooComplex("The document is too large: more than 40 tokens (the limit).");

    expect(await reply(await post(small, { query }))).toEqual({
      status: 400,
      contentType: GQL_UTF8,
      body: expected,
    });
    expect(await reply(await post(small, { query }, "application/json"))).toEqual({
      status: 200,
      contentType: JSON_UTF8,
      body: expected,
    });
  });

  it("tokens: a document at the limit runs", async () => {
    const query = `{ ${"hello ".repeat(38)}}`;

    expect(await reply(await post(appWith({ limits: { maxTokens: 40 } }), { query }))).toEqual({
      status: 200,
      contentType: GQL_UTF8,
      body: { data: { hello: "Hello, you!" } },
    });
  });

  it("tokens: comments do not count", async () => {
    const query = `# ${"a comment ".repeat(500)}\n{ hello }`;

    expect((await reply(await post(small, { query }))).body).toEqual({ data: { hello: "Hello, you!" } });
  });

  it("tokens: a deeply nested list literal is refused before the parser recurses into it", async () => {
    const query = `{ hello(name: ${"[".repeat(20_000)}${"]".repeat(20_000)}) }`;

    expect(await reply(await post(appWith(), { query }))).toEqual({
      status: 400,
      contentType: GQL_UTF8,
      body: tooComplex(
        `The document is too large: more than ${DEFAULT_LIMITS.maxTokens} tokens (the limit).`,
      ),
    });
  });

  it("tokens: a syntax error within the limit is still a parse error", async () => {
    expect((await reply(await post(small, { query: "{ hello" }))).body).toEqual({
      errors: [
        {
          message: "Syntax Error: Expected Name, found <EOF>.",
          locations: [{ line: 1, column: 8 }],
          extensions: { code: "GRAPHQL_PARSE_FAILED" },
        },
      ],
    });
  });
});

describe("depth, fields, aliases, operations", () => {
  it("depth: a query nested deeper than the limit is refused", async () => {
    const query = "{ node { child { child { name } } } }";

    expect(await reply(await post(small, { query }))).toEqual({
      status: 400,
      contentType: GQL_UTF8,
      body: tooComplex("The query is 4 fields deep; at most 3 levels are accepted."),
    });
  });

  it("depth: fragments count where they are spread", async () => {
    const query = "{ node { ...Deeper } } fragment Deeper on Node { child { child { name } } }";

    expect((await reply(await post(small, { query }))).body).toEqual(
      tooComplex("The query is 4 fields deep; at most 3 levels are accepted."),
    );
  });

  it("depth: a query at the limit runs", async () => {
    const query = "{ node { child { name } } }";

    expect((await reply(await post(small, { query }))).body).toEqual({
      data: { node: { child: { name: "n" } } },
    });
  });

  it("fields: a fragment counts again at every spread", async () => {
    const query = "{ node { ...F } hello } fragment F on Node { name child { name } }";
    const spreadTwice = "{ node { ...F } other: node { ...F } } fragment F on Node { name child { name } }";

    expect((await reply(await post(small, { query }))).body).toEqual({
      data: { node: { name: "n", child: { name: "n" } }, hello: "Hello, you!" },
    });
    expect((await reply(await post(small, { query: spreadTwice }))).body).toEqual(
      tooComplex("The query selects 8 fields (a fragment counts at every spread); at most 6 are accepted."),
    );
  });

  it("aliases: more aliases than the limit are refused and no mutation runs", async () => {
    const query = 'mutation { a: add(text: "a") b: add(text: "b") c: add(text: "c") }';

    expect((await reply(await post(small, { query }))).body).toEqual(
      tooComplex("The query has 3 aliases (a fragment counts at every spread); at most 2 are accepted."),
    );
    expect(added).toEqual([]);
  });

  it("operations: a document with more operations than the limit is refused", async () => {
    const query = "query A { hello } query B { hello } query C { hello }";

    expect((await reply(await post(small, { query, operationName: "A" }))).body).toEqual(
      tooComplex("The document has 3 operations; at most 2 are accepted."),
    );
  });

  it("limits: every limit exceeded is reported, in one answer", async () => {
    const query = "{ a: node { b: child { c: child { name } } } } query B { hello } query C { hello }";

    expect((await reply(await post(small, { query }))).body).toEqual(
      tooComplex(
        "The document has 3 operations; at most 2 are accepted.",
        "The query is 4 fields deep; at most 3 levels are accepted.",
        "The query has 3 aliases (a fragment counts at every spread); at most 2 are accepted.",
      ),
    );
  });

  it("limits: a fragment cycle is left to validation, which rejects it", async () => {
    const query = "{ ...A } fragment A on Query { hello ...B } fragment B on Query { hello ...A }";

    expect(await reply(await post(small, { query }))).toEqual({
      status: 400,
      contentType: GQL_UTF8,
      body: {
        errors: [
          {
            message: 'Cannot spread fragment "A" within itself via "B".',
            locations: expect.any(Array),
            extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
          },
        ],
      },
    });
  });

  it("defaults: the full standard introspection query (what GraphiQL sends) runs", async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });

    const { status, body } = await reply(await post(appWith(), { query }));

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType).toEqual({ name: "Query", kind: "OBJECT" });
  });

  it("defaults: graphql-js's own introspection depth rule still applies", async () => {
    const query = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";

    const { status, body } = await reply(await post(appWith(), { query }));

    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message: "Maximum introspection depth exceeded",
          locations: [{ line: 1, column: 3 }],
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        },
      ],
    });
  });
});

describe("variables and extensions", () => {
  const badInput = (message: string) => ({ errors: [{ message, extensions: { code: "BAD_USER_INPUT" } }] });

  it("variables: more entries than the limit is a 400", async () => {
    const variables = Object.fromEntries(
      Array.from({ length: DEFAULT_LIMITS.maxVariables + 1 }, (_, i) => [`v${i}`, i]),
    );

    expect(await reply(await post(appWith(), { query: "{ hello }", variables }, "application/json"))).toEqual(
      {
        status: 400,
        contentType: JSON_UTF8,
        body: badInput('The "variables" parameter has 51 entries; at most 50 are accepted.'),
      },
    );
  });

  it("variables: nesting deeper than the limit is a 400, never a stack overflow", async () => {
    // Written by hand: JSON.stringify itself overflows the stack on such a value.
    const body = `{"query":"{ hello }","variables":{"deep":${"[".repeat(30_000)}${"]".repeat(30_000)}}}`;
    const res = await appWith()(URL_, {
      method: "POST",
      headers: { "content-type": "application/json", accept: GQL },
      body,
    });

    expect(await reply(res)).toEqual({
      status: 400,
      contentType: GQL_UTF8,
      body: badInput('The "variables" parameter nests arrays and objects more than 10 levels deep.'),
    });
  });

  it("variables: nesting at the limit reaches coercion, which answers as usual", async () => {
    const name = JSON.parse(`${"[".repeat(9)}${"]".repeat(9)}`);

    const { status, body } = await reply(
      await post(appWith(), { query: "query Q($name: String) { hello(name: $name) }", variables: { name } }),
    );

    expect(status).toBe(400);
    expect(body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT" });
  });

  it("extensions: nesting deeper than the limit is a 400", async () => {
    const extensions = { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: 1 } } } } } } } } } } };

    expect((await reply(await post(appWith(), { query: "{ hello }", extensions }))).body).toEqual(
      badInput('The "extensions" parameter nests arrays and objects more than 10 levels deep.'),
    );
  });
});

describe("GET and messages", () => {
  it("GET: a query string over the body limit is a 414", async () => {
    const send = appWith({ maxBodyBytes: 100 });
    const res = await send(
      `${URL_}?${new URLSearchParams({ query: `{ hello(name: "${"x".repeat(100)}") }` })}`,
    );

    expect(await reply(res)).toEqual({
      status: 414,
      contentType: JSON_UTF8,
      body: {
        errors: [
          {
            message: "The query string exceeds 100 bytes: send large operations as a POST.",
            extensions: { code: "URI_TOO_LONG" },
          },
        ],
      },
    });
  });

  it("messages: a message quoting a huge input is cut to 500 characters", async () => {
    const name = "n".repeat(20_000);

    const { status, body } = await reply(await post(appWith(), { query: `{ ${name} }` }));

    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message: `${`Cannot query field "${name}`.slice(0, 500)}… (truncated)`,
          locations: [{ line: 1, column: 3 }],
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        },
      ],
    });
  });

  it("logging: a refused document logs one info line with the request id", async () => {
    const info = vi.spyOn(console, "log").mockImplementation(() => {});
    await small(URL_, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-deep" },
      body: JSON.stringify({ query: "{ node { child { child { name } } } }" }),
    });

    expect(info.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
      {
        level: "info",
        worker: "command",
        msg: "request refused",
        requestId: "req-deep",
        status: 200,
        code: "QUERY_TOO_COMPLEX",
        message: "The query is 4 fields deep; at most 3 levels are accepted.",
        errors: 1,
      },
    ]);
  });
});
