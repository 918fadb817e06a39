/**
 * The GraphQL boundary's per-request options: introspection decided per request (from a binding, say), the request
 * id taken from the app's `requestId` middleware, and failures before execution (a missing binding) answered with their code instead of
 * masked, logged once with the request id.
 */
import { buildSchema } from "graphql";
import { type Context, Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createGraphQLHandler,
  GraphQLAppError,
  type GraphQLHandlerOptions,
} from "../../workers/command/graphql";

type TestEnv = { Bindings: { INTROSPECTION?: string }; Variables: { requestId: string } };

const URL_ = "http://localhost/graphql";
const GQL = "application/graphql-response+json";
const GQL_UTF8 = `${GQL}; charset=utf-8`;

const schema = buildSchema("type Query { hello: String greeting: String }");

class MissingBinding extends Error {}
class ServiceDown extends Error {}

const mapError = (error: unknown) =>
  error instanceof MissingBinding
    ? new GraphQLAppError("MISCONFIGURED", error.message)
    : error instanceof ServiceDown
      ? new GraphQLAppError("UNAVAILABLE", "a backing service is unavailable; retry later")
      : undefined;

function appWith(overrides: Partial<GraphQLHandlerOptions<TestEnv>> = {}, env: TestEnv["Bindings"] = {}) {
  const app = new Hono<TestEnv>();
  app.use("*", async (c, next) => {
    c.set("requestId", "req-from-app");
    await next();
  });
  app.all(
    "/graphql",
    createGraphQLHandler<TestEnv>({
      schema,
      rootResolver: () => ({ hello: "hi" }),
      mapError,
      ...overrides,
    }),
  );
  return (body: unknown) =>
    app.request(
      URL_,
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: GQL },
        body: JSON.stringify(body),
      },
      env,
    );
}

async function reply(res: Response) {
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    requestId: res.headers.get("x-request-id"),
    body: await res.json(),
  };
}

const fromBinding = (c: Context<TestEnv>) => {
  const value = c.env.INTROSPECTION;
  if (value === undefined || value === "true") return true;
  if (value === "false") return false;
  throw new MissingBinding(`configuration: INTROSPECTION must be "true" or "false", got "${value}"`);
};

beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("introspection per request", () => {
  const query = "{ __schema { queryType { name } } }";

  it("introspection: a function is asked per request", async () => {
    const open = appWith({ introspection: fromBinding }, { INTROSPECTION: "true" });
    const closed = appWith({ introspection: fromBinding }, { INTROSPECTION: "false" });

    expect((await reply(await open({ query }))).body).toEqual({
      data: { __schema: { queryType: { name: "Query" } } },
    });
    expect((await reply(await closed({ query }))).body.errors[0]).toEqual({
      message:
        'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
      locations: [{ line: 1, column: 3 }],
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
  });

  it("introspection: when off, messages do not suggest schema names", async () => {
    const open = appWith({ introspection: true });
    const closed = appWith({ introspection: false });
    const typo = { query: "{ helo }" };
    const at = { locations: [{ line: 1, column: 3 }], extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };

    expect((await reply(await open(typo))).body).toEqual({
      errors: [{ message: 'Cannot query field "helo" on type "Query". Did you mean "hello"?', ...at }],
    });
    expect((await reply(await closed(typo))).body).toEqual({
      errors: [{ message: 'Cannot query field "helo" on type "Query".', ...at }],
    });
  });

  it("introspection: a function that throws a mapped error answers it coded, as a 500 with the request id", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = appWith({ introspection: fromBinding }, { INTROSPECTION: "maybe" });

    expect(await reply(await broken({ query: "{ hello }" }))).toEqual({
      status: 500,
      contentType: GQL_UTF8,
      requestId: "req-from-app",
      body: {
        errors: [
          {
            message: 'configuration: INTROSPECTION must be "true" or "false", got "maybe"',
            extensions: { code: "MISCONFIGURED", requestId: "req-from-app" },
          },
        ],
      },
    });
    expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
      {
        level: "error",
        worker: "command",
        msg: "request failed",
        requestId: "req-from-app",
        status: 500,
        code: "MISCONFIGURED",
        message: 'configuration: INTROSPECTION must be "true" or "false", got "maybe"',
        cause: 'Error: configuration: INTROSPECTION must be "true" or "false", got "maybe"',
      },
    ]);
  });
});

describe("failures before execution", () => {
  it("rootResolver: an UNAVAILABLE failure is a 503 with its code", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const down = appWith({
      rootResolver: () => {
        throw new ServiceDown("redis: ECONNREFUSED 10.0.0.7:6379");
      },
    });

    expect(await reply(await down({ query: "{ hello }" }))).toEqual({
      status: 503,
      contentType: GQL_UTF8,
      requestId: "req-from-app",
      body: {
        errors: [
          {
            message: "a backing service is unavailable; retry later",
            extensions: { code: "UNAVAILABLE", requestId: "req-from-app" },
          },
        ],
      },
    });
  });

  it("rootResolver: an unmapped failure stays masked", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = appWith({
      rootResolver: () => {
        throw new Error("secret internals");
      },
    });

    expect((await reply(await failing({ query: "{ hello }" }))).body).toEqual({
      errors: [
        {
          message: "Internal server error",
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-from-app" },
        },
      ],
    });
  });

  it("requestId: the app's id is the one answered, logged and seen by resolvers", async () => {
    const send = appWith({
      rootResolver: () => ({ hello: (_: unknown, c: Context<TestEnv>) => c.get("requestId") }),
    });

    expect(await reply(await send({ query: "{ hello }" }))).toEqual({
      status: 200,
      contentType: GQL_UTF8,
      requestId: "req-from-app",
      body: { data: { hello: "req-from-app" } },
    });
  });
});
