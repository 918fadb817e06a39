/**
 * The documents the GraphQL boundary has checked, kept per isolate by their exact text: a text seen before is not
 * lexed, parsed nor validated again, and what was refused is refused again with the same errors. Only what depends
 * on the text alone is kept; the variables, the operation to run and the request's context are the request's own
 * (the handler-level specification at the end sends one text with different variables and contexts).
 */
import { buildSchema, type GraphQLSchema } from "graphql";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createGraphQLHandler, DEFAULT_LIMITS } from "../../workers/command/graphql";
import {
  type CheckedDocument,
  createDocumentChecker,
  type DocumentCheck,
} from "../../workers/command/graphql/documents";

const schema: GraphQLSchema = buildSchema(`
  type Query { hello(name: String): String list(id: String!): [String!]! }
`);

const checked = (check: DocumentCheck): CheckedDocument => {
  if ("refused" in check) throw new Error(`refused: ${check.errors.map((e) => e.message).join("; ")}`);
  return check;
};

describe("document checker", () => {
  it("a text seen before: the same parsed document and the same validation answer", () => {
    const check = createDocumentChecker(schema, DEFAULT_LIMITS);
    const first = checked(check("query ($n: String) { hello(name: $n) }"));
    const again = checked(check("query ($n: String) { hello(name: $n) }"));
    expect(again).toBe(first);
    expect(again.document).toBe(first.document);
    expect(first.validationErrors(true)).toEqual([]);
    expect(again.validationErrors(true)).toBe(first.validationErrors(true));
  });

  it("another text, even one differing only in spacing, is checked on its own", () => {
    const check = createDocumentChecker(schema, DEFAULT_LIMITS);
    const first = checked(check("{ hello }"));
    const other = checked(check("{  hello }"));
    expect(other).not.toBe(first);
    expect(other.document).not.toBe(first.document);
  });

  it("validation with introspection and without it are answered apart", () => {
    const check = createDocumentChecker(schema, DEFAULT_LIMITS);
    const doc = checked(check("{ __schema { queryType { name } } }"));
    expect(doc.validationErrors(true)).toEqual([]);
    const closed = doc.validationErrors(false);
    expect(closed.length).toBeGreaterThan(0);
    for (const error of closed) expect(error.message).toContain("introspection");
    expect(doc.validationErrors(true)).toEqual([]);
  });

  it("a refused text is refused again with the same errors, without parsing it again", () => {
    const check = createDocumentChecker(schema, { ...DEFAULT_LIMITS, maxAliases: 2 });
    const syntax = check("{ hello");
    expect(syntax).toMatchObject({ refused: "GRAPHQL_PARSE_FAILED" });
    expect(check("{ hello")).toBe(syntax);
    const aliases = check("{ a: hello b: hello c: hello }");
    expect(aliases).toMatchObject({ refused: "QUERY_TOO_COMPLEX" });
    expect(check("{ a: hello b: hello c: hello }")).toBe(aliases);
  });

  it("a text over the token limit is refused for it", () => {
    const check = createDocumentChecker(schema, { ...DEFAULT_LIMITS, maxTokens: 5 });
    expect(check("{ hello hello hello hello hello }")).toMatchObject({
      refused: "QUERY_TOO_COMPLEX",
      errors: [expect.objectContaining({ message: expect.stringContaining("more than 5 tokens") })],
    });
  });

  it("keeps at most maxEntries texts, dropping the least recently used", () => {
    const check = createDocumentChecker(schema, DEFAULT_LIMITS, { maxEntries: 2, maxBytes: 1 << 20 });
    const a = check("{ a: hello }");
    const b = check("{ b: hello }");
    expect(check("{ a: hello }")).toBe(a); // a is now the most recently used
    check("{ c: hello }"); // drops b
    expect(check("{ a: hello }")).toBe(a);
    expect(check("{ b: hello }")).not.toBe(b);
  });

  it("keeps at most maxBytes of texts and documents, and never a text that alone exceeds it", () => {
    const check = createDocumentChecker(schema, DEFAULT_LIMITS, { maxEntries: 100, maxBytes: 6000 });
    const long = `{ hello(name: "${"x".repeat(6000)}") }`;
    expect(check(long)).not.toBe(check(long));
    const a = check("{ a: hello }");
    expect(check("{ a: hello }")).toBe(a);
    for (let i = 0; i < 20; i++) check(`{ f${i}: hello }`);
    expect(check("{ a: hello }")).not.toBe(a);
  });
});

describe("handler with checked documents kept", () => {
  const handler = createGraphQLHandler({
    schema,
    rootResolver: (c) => ({
      hello: ({ name }: { name?: string }) => `Hello, ${name ?? "you"} (${c.req.header("x-who")})`,
      list: ({ id }: { id: string }) => [`task of ${id}`],
    }),
  });
  const app = new Hono().all("/graphql", handler);
  const send = async (query: string, variables: Record<string, unknown>, who: string) => {
    const res = await app.request("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-who": who },
      body: JSON.stringify({ query, variables }),
    });
    return res.json();
  };

  it("one text with other variables and another context is answered for them, never from the first", async () => {
    const query = "query ($n: String, $id: String!) { hello(name: $n) list(id: $id) }";
    expect(await send(query, { n: "Ann", id: "list-a" }, "first")).toEqual({
      data: { hello: "Hello, Ann (first)", list: ["task of list-a"] },
    });
    expect(await send(query, { n: "Bob", id: "list-b" }, "second")).toEqual({
      data: { hello: "Hello, Bob (second)", list: ["task of list-b"] },
    });
    const refused = await send(query, { id: 3 }, "third");
    expect(refused).not.toHaveProperty("data");
    expect(refused.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('Variable "$id" got invalid value 3') }),
    ]);
  });
});
