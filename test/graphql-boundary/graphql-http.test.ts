import { buildSchema, GraphQLSchema } from "graphql";
import { auditServer } from "graphql-http";
import type { Context } from "hono";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createGraphQLHandler,
  GraphQLAppError,
  type GraphQLHandlerOptions,
} from "../../workers/command/graphql";

type TestEnv = { Bindings: { GREETING: string }; Variables: { user: string } };

const URL_ = "http://localhost/graphql";
const GQL = "application/graphql-response+json";
const JSON_UTF8 = "application/json; charset=utf-8";
const GQL_UTF8 = `${GQL}; charset=utf-8`;

class TaskMissing extends Error {
  constructor(readonly taskId: string) {
    super(`no task ${taskId}`);
  }
}

const schema = buildSchema(`
  type Query {
    hello(name: String!): String!
    count(n: Int!): Int!
    greeting: String
    user: String
    header(name: String!): String
    requestId: String
    missing: String
    boom: String
    boomRequired: String!
    mapped: String
    items: [String]
  }
  type Mutation { add(text: String!): String! }
`);

/** Texts the `add` mutation has seen, so a test can prove a mutation did or did not run. */
const added: string[] = [];

/** Root resolvers; the third argument is the Hono context graphqlServer passes as contextValue. */
const rootResolver = () => ({
  hello: ({ name }: { name: string }) => `Hello, ${name}!`,
  count: ({ n }: { n: number }) => n,
  greeting: (_: unknown, c: Context<TestEnv>) => c.env.GREETING,
  user: (_: unknown, c: Context<TestEnv>) => c.get("user"),
  header: ({ name }: { name: string }, c: Context<TestEnv>) => c.req.header(name) ?? null,
  requestId: (_: unknown, c: Context<TestEnv>) => c.get("requestId"),
  missing: () => {
    throw new GraphQLAppError("NOT_FOUND", "Task t-1 not found", { extensions: { id: "t-1" } });
  },
  boom: () => {
    throw new Error("database exploded");
  },
  boomRequired: () => {
    throw new Error("required field exploded");
  },
  mapped: () => {
    throw new TaskMissing("t-9");
  },
  items: () => ["a", new Error("item exploded")],
  add: ({ text }: { text: string }) => {
    added.push(text);
    return `added ${text}`;
  },
});

function appWith(overrides: Partial<GraphQLHandlerOptions<TestEnv>> = {}) {
  const app = new Hono<TestEnv>();
  app.use("*", async (c, next) => {
    c.set("user", "ada");
    await next();
  });
  app.all(
    "/graphql",
    createGraphQLHandler<TestEnv>({
      schema,
      rootResolver,
      mapError: (error) =>
        error instanceof TaskMissing ? new GraphQLAppError("NOT_FOUND", error.message) : undefined,
      ...overrides,
    }),
  );
  const env = { GREETING: "hi from env" };
  return (input: string, init: RequestInit = {}) => app.request(input, init, env);
}

const request = appWith();

function post(body: unknown, headers: Record<string, string> = {}) {
  return request(URL_, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function get(params: Record<string, string>, headers: Record<string, string> = {}) {
  return request(`${URL_}?${new URLSearchParams(params)}`, { headers });
}

async function expectReply(res: Response, status: number, contentType: string, body: unknown) {
  expect({
    status: res.status,
    contentType: res.headers.get("content-type"),
    body: await res.json(),
  }).toEqual({
    status,
    contentType,
    body,
  });
}

const rejected = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

beforeEach(() => {
  // Refused requests log one info line each (asserted where it matters); keep the test output readable.
  vi.spyOn(console, "log").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("graphql-http audit", () => {
  it("audit: every MUST, SHOULD and MAY passes", async () => {
    const app = new Hono();
    app.all("/graphql", createGraphQLHandler({ schema }));
    const results = await auditServer({
      url: URL_,
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) => app.request(input, init),
    });
    const failures = results
      .filter((result) => result.status !== "ok")
      .map((result) => `${result.id} ${result.name}: ${"reason" in result ? result.reason : ""}`);
    expect(failures, failures.join("\n")).toEqual([]);
    expect(results.filter((result) => result.name.startsWith("MUST"))).toHaveLength(13);
    expect(results.filter((result) => result.name.startsWith("SHOULD"))).toHaveLength(23);
  });
});

describe("POST", () => {
  it("POST: runs a query with variables and answers application/json by default", async () => {
    const res = await post({ query: "query Q($n: String!) { hello(name: $n) }", variables: { n: "Ada" } });
    await expectReply(res, 200, JSON_UTF8, { data: { hello: "Hello, Ada!" } });
  });

  it("POST: answers graphql-response+json when the client accepts it", async () => {
    const res = await post({ query: "{ __typename }" }, { accept: `${GQL}, application/json;q=0.9` });
    await expectReply(res, 200, GQL_UTF8, { data: { __typename: "Query" } });
  });

  it("POST: prefers application/json when only wildcards admit graphql-response+json", async () => {
    const res = await post({ query: "{ __typename }" }, { accept: "application/*" });
    await expectReply(res, 200, JSON_UTF8, { data: { __typename: "Query" } });
  });

  it("POST: accepts a charset parameter in any case", async () => {
    for (const contentType of ["application/json; charset=utf-8", "Application/JSON;Charset=UTF-8"]) {
      const res = await post({ query: "{ __typename }" }, { "content-type": contentType });
      await expectReply(res, 200, JSON_UTF8, { data: { __typename: "Query" } });
    }
  });

  it("POST: runs a mutation", async () => {
    const res = await post({ query: 'mutation { add(text: "milk") }' });
    await expectReply(res, 200, JSON_UTF8, { data: { add: "added milk" } });
    expect(added).toContain("milk");
  });

  it("POST: selects the operation named by operationName", async () => {
    const res = await post({ query: "query A { __typename } query B { count(n: 2) }", operationName: "B" });
    await expectReply(res, 200, JSON_UTF8, { data: { count: 2 } });
  });

  it("POST: an unknown operationName is a request error without data", async () => {
    const res = await post({ query: "query A { __typename }", operationName: "Z" }, { accept: GQL });
    await expectReply(res, 400, GQL_UTF8, {
      errors: [{ message: 'Unknown operation named "Z".', extensions: { code: "BAD_USER_INPUT" } }],
    });
  });

  it("POST: a subscription the schema has no root type for is a request error without data", async () => {
    const res = await post({ query: "subscription { hello }" }, { accept: GQL });
    await expectReply(res, 400, GQL_UTF8, {
      errors: [
        {
          message: "Schema is not configured to execute subscription operation.",
          locations: [{ line: 1, column: 1 }],
          extensions: { code: "BAD_USER_INPUT" },
        },
      ],
    });
  });

  it("POST: malformed JSON is a 400 with a clear message", async () => {
    const res = await post('{ "query": ');
    await expectReply(res, 400, JSON_UTF8, rejected("BAD_REQUEST", "Request body is not valid JSON."));
  });

  it("POST: a body that is not a JSON object is a 400", async () => {
    const res = await post("1", { accept: GQL });
    await expectReply(res, 400, GQL_UTF8, rejected("BAD_REQUEST", "Request body must be a JSON object."));
  });

  it("POST: a batch (a JSON array of operations) is a 400 saying batching is not supported", async () => {
    const res = await post([{ query: "{ __typename }" }, { query: "{ __typename }" }], { accept: GQL });
    await expectReply(
      res,
      400,
      GQL_UTF8,
      rejected(
        "BAD_REQUEST",
        "Batched requests (a JSON array) are not supported: send one JSON object per operation.",
      ),
    );
  });

  it("POST: an empty body is a 400", async () => {
    const res = await request(URL_, { method: "POST", headers: { "content-type": "application/json" } });
    await expectReply(
      res,
      400,
      JSON_UTF8,
      rejected("BAD_REQUEST", "Request body is empty: send a JSON object."),
    );
  });

  it("POST: a leading byte-order mark is ignored, as JSON allows", async () => {
    const json = new TextEncoder().encode(JSON.stringify({ query: "{ __typename }" }));
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...json]);
    const res = await request(URL_, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await expectReply(res, 200, JSON_UTF8, { data: { __typename: "Query" } });
  });

  it("POST: invalid UTF-8 is a 400", async () => {
    const body = new Uint8Array([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d]);
    const res = await request(URL_, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await expectReply(res, 400, JSON_UTF8, rejected("BAD_REQUEST", "Request body is not valid UTF-8."));
  });

  it("POST: each invalid parameter is a 400 naming it", async () => {
    const cases: [unknown, string][] = [
      [{ variables: {} }, 'The "query" parameter is required.'],
      [{ query: 1 }, 'The "query" parameter must be a string.'],
      [{ query: "{ __typename }", variables: "x" }, 'The "variables" parameter must be an object or null.'],
      [{ query: "{ __typename }", variables: [] }, 'The "variables" parameter must be an object or null.'],
      [
        { query: "{ __typename }", operationName: 3 },
        'The "operationName" parameter must be a string or null.',
      ],
      [
        { query: "{ __typename }", extensions: false },
        'The "extensions" parameter must be an object or null.',
      ],
    ];
    for (const [body, message] of cases) {
      await expectReply(await post(body), 400, JSON_UTF8, rejected("BAD_USER_INPUT", message));
    }
  });

  it("POST: a missing Content-Type is a 415", async () => {
    const body = new Blob([JSON.stringify({ query: "{ __typename }" })]);
    const res = await request(URL_, { method: "POST", body });
    await expectReply(
      res,
      415,
      JSON_UTF8,
      rejected("UNSUPPORTED_MEDIA_TYPE", "Missing Content-Type: send application/json."),
    );
  });

  it("POST: a media type other than application/json is a 415 with the reason", async () => {
    for (const contentType of ["text/plain", "application/graphql", "application/x-www-form-urlencoded"]) {
      const res = await post("{ __typename }", { "content-type": contentType });
      await expectReply(
        res,
        415,
        JSON_UTF8,
        rejected("UNSUPPORTED_MEDIA_TYPE", "Unsupported Content-Type: POST bodies must be application/json."),
      );
    }
  });

  it("POST: a charset other than utf-8 is a 415", async () => {
    const res = await post(
      { query: "{ __typename }" },
      { "content-type": "application/json; charset=latin1" },
    );
    await expectReply(
      res,
      415,
      JSON_UTF8,
      rejected("UNSUPPORTED_MEDIA_TYPE", "Unsupported charset: send UTF-8."),
    );
  });

  it("POST: a body over the limit is a 413, whether declared or only counted", async () => {
    const small = appWith({ maxBodyBytes: 64 });
    const body = JSON.stringify({ query: `{ hello(name: "${"x".repeat(100)}") }` });
    const expected = rejected("PAYLOAD_TOO_LARGE", "Request body exceeds 64 bytes.");
    const counted = await small(URL_, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await expectReply(counted, 413, JSON_UTF8, expected);
    const declared = await small(URL_, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "100000" },
      body: "{}",
    });
    await expectReply(declared, 413, JSON_UTF8, expected);
    const fits = await small(URL_, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    await expectReply(fits, 200, JSON_UTF8, { data: { __typename: "Query" } });
  });
});

describe("request errors", () => {
  it("variables: a coercion failure is 200 for application/json, without data", async () => {
    const res = await post({ query: "query Q($n: Int!) { count(n: $n) }", variables: { n: "three" } });
    await expectReply(res, 200, JSON_UTF8, {
      errors: [
        {
          message: 'Variable "$n" got invalid value "three"; Int cannot represent non-integer value: "three"',
          locations: [{ line: 1, column: 9 }],
          extensions: { code: "BAD_USER_INPUT" },
        },
      ],
    });
  });

  it("variables: a coercion failure is 400 for graphql-response+json, never 500", async () => {
    const res = await post({ query: "query Q($n: Int!) { count(n: $n) }", variables: {} }, { accept: GQL });
    await expectReply(res, 400, GQL_UTF8, {
      errors: [
        {
          message: 'Variable "$n" of required type "Int!" was not provided.',
          locations: [{ line: 1, column: 9 }],
          extensions: { code: "BAD_USER_INPUT" },
        },
      ],
    });
  });

  it("parse: a syntax error is 200 or 400 by media type, without data", async () => {
    const expected = {
      errors: [
        {
          message: "Syntax Error: Expected Name, found <EOF>.",
          locations: [{ line: 1, column: 2 }],
          extensions: { code: "GRAPHQL_PARSE_FAILED" },
        },
      ],
    };
    await expectReply(await post({ query: "{" }), 200, JSON_UTF8, expected);
    await expectReply(await post({ query: "{" }, { accept: GQL }), 400, GQL_UTF8, expected);
  });

  it("validate: an unknown field is 200 or 400 by media type, without data", async () => {
    const expected = {
      errors: [
        {
          message: 'Cannot query field "nope" on type "Query".',
          locations: [{ line: 1, column: 3 }],
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        },
      ],
    };
    await expectReply(await post({ query: "{ nope }" }), 200, JSON_UTF8, expected);
    await expectReply(await post({ query: "{ nope }" }, { accept: GQL }), 400, GQL_UTF8, expected);
  });

  it("logging: rejected, unparsable, invalid and uncoercible requests log one info line each, no error", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const info = vi.spyOn(console, "log").mockImplementation(() => {});
    await post("{ nope", { "x-request-id": "req-json" });
    await post({ query: "{" }, { "x-request-id": "req-parse" });
    await post({ query: "{ nope }" }, { "x-request-id": "req-valid" });
    await post(
      { query: "query Q($n: Int!) { count(n: $n) }", variables: { n: "x" } },
      { "x-request-id": "req-coerce", accept: GQL },
    );
    expect(errors).not.toHaveBeenCalled();
    expect(info.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
      {
        level: "info",
        worker: "command",
        msg: "request refused",
        requestId: "req-json",
        status: 400,
        code: "BAD_REQUEST",
        message: "Request body is not valid JSON.",
        errors: 1,
      },
      {
        level: "info",
        worker: "command",
        msg: "request refused",
        requestId: "req-parse",
        status: 200,
        code: "GRAPHQL_PARSE_FAILED",
        message: "Syntax Error: Expected Name, found <EOF>.",
        errors: 1,
      },
      {
        level: "info",
        worker: "command",
        msg: "request refused",
        requestId: "req-valid",
        status: 200,
        code: "GRAPHQL_VALIDATION_FAILED",
        message: 'Cannot query field "nope" on type "Query".',
        errors: 1,
      },
      {
        level: "info",
        worker: "command",
        msg: "request refused",
        requestId: "req-coerce",
        status: 400,
        code: "BAD_USER_INPUT",
        message: 'Variable "$n" got invalid value "x"; Int cannot represent non-integer value: "x"',
        errors: 1,
      },
    ]);
  });

  it("logging: a successful request logs nothing", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const info = vi.spyOn(console, "log").mockImplementation(() => {});
    await post({ query: '{ hello(name: "Ada") }' });
    expect(errors).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
  });
});

describe("resolver errors", () => {
  it("resolver: a coded error passes through with its code and data stays 200", async () => {
    const res = await post({ query: "{ missing count(n: 1) }" }, { accept: GQL });
    await expectReply(res, 200, GQL_UTF8, {
      data: { missing: null, count: 1 },
      errors: [
        {
          message: "Task t-1 not found",
          locations: [{ line: 1, column: 3 }],
          path: ["missing"],
          extensions: { id: "t-1", code: "NOT_FOUND" },
        },
      ],
    });
  });

  it("resolver: mapError turns a domain error into a coded one", async () => {
    const res = await post({ query: "{ mapped }" });
    await expectReply(res, 200, JSON_UTF8, {
      data: { mapped: null },
      errors: [
        {
          message: "no task t-9",
          locations: [{ line: 1, column: 3 }],
          path: ["mapped"],
          extensions: { code: "NOT_FOUND" },
        },
      ],
    });
  });

  it("resolver: an unexpected error is masked, logged once with the request id", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await post({ query: "{ boom }" }, { "x-request-id": "req-boom-1" });
    expect(res.headers.get("x-request-id")).toBe("req-boom-1");
    await expectReply(res, 200, JSON_UTF8, {
      data: { boom: null },
      errors: [
        {
          message: "Internal server error",
          locations: [{ line: 1, column: 3 }],
          path: ["boom"],
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-boom-1" },
        },
      ],
    });
    expect(log).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(log.mock.calls[0]?.[0]));
    expect(line).toMatchObject({
      level: "error",
      worker: "command",
      msg: "internal error",
      requestId: "req-boom-1",
      path: ["boom"],
      error: { name: "Error", message: "database exploded" },
    });
    expect(line.error.stack).toContain("database exploded");
  });

  it("resolver: an error nulling the whole result is still 200 with data null", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await post({ query: "{ boomRequired }" }, { accept: GQL, "x-request-id": "req-root" });
    await expectReply(res, 200, GQL_UTF8, {
      data: null,
      errors: [
        {
          message: "Internal server error",
          locations: [{ line: 1, column: 3 }],
          path: ["boomRequired"],
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-root" },
        },
      ],
    });
  });

  it("resolver: a list item error is masked at its path", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await post({ query: "{ items }" }, { "x-request-id": "req-items" });
    await expectReply(res, 200, JSON_UTF8, {
      data: { items: ["a", null] },
      errors: [
        {
          message: "Internal server error",
          locations: [{ line: 1, column: 3 }],
          path: ["items", 1],
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-items" },
        },
      ],
    });
  });

  it("rootResolver: a failure is a masked 500 with the request id", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = appWith({
      rootResolver: () => {
        throw new Error("no root");
      },
    });
    const res = await failing(URL_, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-root-fail" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    await expectReply(res, 500, JSON_UTF8, {
      errors: [
        {
          message: "Internal server error",
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-root-fail" },
        },
      ],
    });
    expect(log).toHaveBeenCalledTimes(1);
  });
});

describe("context", () => {
  it("context: resolvers reach bindings, variables and the client's headers through c", async () => {
    const res = await post({ query: '{ greeting user header(name: "x-client") }' }, { "x-client": "cli/1" });
    await expectReply(res, 200, JSON_UTF8, {
      data: { greeting: "hi from env", user: "ada", header: "cli/1" },
    });
  });

  it("x-request-id: kept when sane, replaced by a UUID otherwise, and visible to resolvers", async () => {
    const kept = await post({ query: "{ requestId }" }, { "x-request-id": "abc-123" });
    expect(kept.headers.get("x-request-id")).toBe("abc-123");
    await expectReply(kept, 200, JSON_UTF8, { data: { requestId: "abc-123" } });
    const replaced = await post({ query: "{ requestId }" }, { "x-request-id": "a b\u00e9" });
    const id = replaced.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await expectReply(replaced, 200, JSON_UTF8, { data: { requestId: id } });
  });
});

describe("GET", () => {
  it("GET: runs a query with URL-encoded variables", async () => {
    const res = await get({ query: "query Q($n: String!) { hello(name: $n) }", variables: '{"n":"Bo"}' });
    await expectReply(res, 200, JSON_UTF8, { data: { hello: "Hello, Bo!" } });
  });

  it("GET: a mutation is 405 with Allow: POST and nothing runs", async () => {
    const res = await get({ query: 'mutation { add(text: "via-get") }' }, { accept: GQL });
    expect(res.headers.get("allow")).toBe("POST");
    await expectReply(
      res,
      405,
      GQL_UTF8,
      rejected("METHOD_NOT_ALLOWED", "Cannot run a mutation over GET: use POST."),
    );
    expect(added).not.toContain("via-get");
  });

  it("GET: variables that are not JSON are a 400", async () => {
    const res = await get({ query: "{ __typename }", variables: "{n:1}" });
    await expectReply(
      res,
      400,
      JSON_UTF8,
      rejected("BAD_USER_INPUT", 'The "variables" parameter must be URL-encoded JSON.'),
    );
  });

  it("GET: a missing query is a 400 when GraphiQL is off", async () => {
    const res = await get({}, { accept: "text/html,*/*;q=0.8" });
    await expectReply(res, 400, JSON_UTF8, rejected("BAD_USER_INPUT", 'The "query" parameter is required.'));
  });

  it("GET: GraphiQL is served to a browser when enabled, JSON clients still get GraphQL", async () => {
    const withGraphiql = appWith({ graphiql: (c) => c.html("<title>GraphiQL</title>") });
    const page = await withGraphiql(URL_, { headers: { accept: "text/html,*/*;q=0.8" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=UTF-8");
    expect(page.headers.get("vary")).toBe("accept");
    expect(page.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.text()).toContain("<title>GraphiQL</title>");
    const data = await withGraphiql(`${URL_}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { accept: "text/html,*/*;q=0.8" },
    });
    await expectReply(data, 200, JSON_UTF8, { data: { __typename: "Query" } });
  });
});

describe("methods and negotiation", () => {
  it("method: anything but GET and POST is 405 with Allow: GET, POST", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const res = await request(URL_, { method });
      expect(res.headers.get("allow")).toBe("GET, POST");
      await expectReply(
        res,
        405,
        JSON_UTF8,
        rejected("METHOD_NOT_ALLOWED", "GraphQL is served over GET and POST."),
      );
    }
  });

  it("accept: a client accepting neither JSON flavour gets 406", async () => {
    const res = await post({ query: "{ __typename }" }, { accept: "text/html, application/xml;q=0.9" });
    await expectReply(
      res,
      406,
      JSON_UTF8,
      rejected("NOT_ACCEPTABLE", "Accept must allow application/graphql-response+json or application/json."),
    );
  });

  it("accept: q=0 excludes a media type", async () => {
    const res = await post({ query: "{ __typename }" }, { accept: `${GQL};q=0, */*` });
    await expectReply(res, 200, JSON_UTF8, { data: { __typename: "Query" } });
  });
});

describe("introspection", () => {
  const query = "{ __schema { queryType { name } } }";

  it("introspection: answered by default", async () => {
    await expectReply(await post({ query }), 200, JSON_UTF8, {
      data: { __schema: { queryType: { name: "Query" } } },
    });
  });

  it("introspection: rejected as a validation error when off, __typename still works", async () => {
    const closed = appWith({ introspection: false });
    const send = (body: unknown, accept: string) =>
      closed(URL_, {
        method: "POST",
        headers: { "content-type": "application/json", accept },
        body: JSON.stringify(body),
      });
    const res = await send({ query }, GQL);
    await expectReply(res, 400, GQL_UTF8, {
      errors: [
        {
          message:
            'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
          locations: [{ line: 1, column: 3 }],
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        },
        {
          message:
            'GraphQL introspection has been disabled, but the requested query contained the field "queryType".',
          locations: [{ line: 1, column: 14 }],
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        },
      ],
    });
    await expectReply(await send({ query: "{ __typename }" }, GQL), 200, GQL_UTF8, {
      data: { __typename: "Query" },
    });
  });
});

describe("startup", () => {
  it("createGraphQLHandler: an invalid schema fails at construction", () => {
    expect(() => createGraphQLHandler({ schema: new GraphQLSchema({}) })).toThrow(
      "Query root type must be provided.",
    );
  });
});
