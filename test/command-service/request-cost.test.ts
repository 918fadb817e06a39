/**
 * The cost check, on parsed documents against the command worker's schema: fields given a consistency token,
 * mutations and the tasks a request may read are counted as graphql-js would run them (through aliases and
 * fragments, one per response key, with variables and @skip/@include resolved, for the operation that runs), and
 * each bound exceeded is one error naming the bound. Then the same through the app: QUERY_TOO_COSTLY, nothing run.
 */
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { requestCost } from "../../workers/command/cost";
import { encodeCursor } from "../../workers/command/pages";
import { schema } from "../../workers/command/schema";
import { given } from "./given";

const ID = "00000000-0000-4000-8000-000000000001";
const TOKEN = "0:1";

const messages = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  requestCost(schema, { document: parse(query), variables, operationName }).map((e) => e.message);

const WAITS =
  /^The request has (\d+) fields given a consistency token \(after:\); at most 1 field per request waits for a consistency token\.$/;

describe("requestCost", () => {
  it("requestCost: one field given a token passes; two, through an alias, are refused naming the bound", () => {
    expect(messages(`{ task(id: "${ID}", after: "${TOKEN}") { id } list { id } }`)).toEqual([]);

    const refused = messages(
      `{ task(id: "${ID}", after: "${TOKEN}") { id } b: list(after: "${TOKEN}") { id } }`,
    );

    expect(refused).toEqual([expect.stringMatching(WAITS)]);
    expect(refused[0]).toContain("has 2 fields");
  });

  it("requestCost: a token through a fragment spread, an inline fragment and a variable counts; a null one does not", () => {
    const query = `query ($t: String, $u: String) {
      ...F
      ... on Query { b: history(id: "${ID}", after: $t) { type } }
      c: tasks(after: $u) { nextCursor }
    }
    fragment F on Query { a: task(id: "${ID}", after: "${TOKEN}") { id } }`;

    expect(messages(query, { t: TOKEN, u: TOKEN })[0]).toContain("has 3 fields");
    expect(messages(query, { t: TOKEN, u: null })[0]).toContain("has 2 fields");
    expect(messages(query, {})).toEqual([]);
  });

  it("requestCost: a tasks cursor that carries a token counts as a token's wait; one that carries none does not", () => {
    const carrying = encodeCursor({ place: { score: 1, id: ID }, token: TOKEN });
    const bare = encodeCursor({ place: { score: 1, id: ID } });
    const query = `query ($c: String) { tasks(cursor: $c) { nextCursor } task(id: "${ID}", after: "${TOKEN}") { id } }`;

    expect(messages(query, { c: carrying })[0]).toContain("has 2 fields");
    expect(messages(query, { c: bare })).toEqual([]);
    expect(messages(query, { c: "not a cursor" })).toEqual([]);
  });

  it("requestCost: one response key is one field, as graphql-js runs it; @skip and @include are honoured", () => {
    const same = `{ task(id: "${ID}", after: "${TOKEN}") { id } task(id: "${ID}", after: "${TOKEN}") { text } }`;
    const skipped = `query ($no: Boolean!) {
      a: task(id: "${ID}", after: "${TOKEN}") { id }
      b: task(id: "${ID}", after: "${TOKEN}") @skip(if: true) { id }
      c: task(id: "${ID}", after: "${TOKEN}") @include(if: $no) { id }
    }`;

    expect(messages(same)).toEqual([]);
    expect(messages(skipped, { no: false })).toEqual([]);
    expect(messages(skipped, { no: true })[0]).toContain("has 2 fields");
  });

  it("requestCost: at most 5 mutations, counted in the operation that runs", () => {
    const creates = (n: number) =>
      Array.from({ length: n }, (_, i) => `m${i}: createTask(text: "t") { id }`).join(" ");
    const document = `mutation Five { ${creates(5)} } mutation Six { ${creates(5)} d: deleteTask(id: "${ID}") }`;

    expect(messages(document, {}, "Five")).toEqual([]);
    expect(messages(document, {}, "Six")).toEqual([
      "The request has 6 mutations; at most 5 mutations are accepted per request.",
    ]);
  });

  it("requestCost: list, tasks and history pages add up to at most 1,000 tasks and entries; defaults count as 100", () => {
    expect(messages(`{ ${Array.from({ length: 10 }, (_, i) => `l${i}: list { id }`).join(" ")} }`)).toEqual(
      [],
    );
    expect(
      messages(
        `{ a: list(limit: 500) { id } b: tasks(first: 400) { nextCursor } c: history(id: "${ID}") { type } }`,
      ),
    ).toEqual([]);

    const refused = messages(
      `query ($n: Int) { a: list(limit: 500) { id } b: tasks(first: $n) { nextCursor } c: task(id: "${ID}") { id } }`,
      { n: 500 },
    );

    expect(refused).toEqual([
      "The request reads up to 1001 tasks and history entries (the page size of each list, tasks and history, 1 per task); at most 1000 are accepted per request.",
    ]);
  });

  it("requestCost: a page size over the maximum counts as the maximum (the read refuses it)", () => {
    expect(messages(`{ a: list(limit: 100000) { id } b: list(limit: 500) { id } }`)).toEqual([]);
    expect(
      messages(`{ a: list(limit: 100000) { id } b: list(limit: 500) { id } c: list(limit: 1) { id } }`),
    ).toHaveLength(1);
  });

  it("requestCost: variables that do not coerce are left to execution, which refuses the request whole", () => {
    expect(
      messages(`query ($t: String) { a: task(id: "${ID}", after: $t) { id } b: list(after: $t) { id } }`, {
        t: 5,
      }),
    ).toEqual([]);
  });
});

describe("the cost check in the app", () => {
  it("QUERY_TOO_COSTLY: a request over a bound is refused whole before any field runs", async () => {
    const { answer, events } = await (await given()).when({
      query: `mutation { ${Array.from({ length: 6 }, (_, i) => `m${i}: createTask(text: "t${i}") { id }`).join(" ")} }`,
    });

    expect(answer.body).toEqual({
      errors: [
        {
          message: "The request has 6 mutations; at most 5 mutations are accepted per request.",
          extensions: { code: "QUERY_TOO_COSTLY" },
        },
      ],
    });
    expect(events).toEqual([]);
  });

  it("QUERY_TOO_COSTLY: one query text is costed per request, from that request's variables", async () => {
    const world = (await given()).world;
    const query =
      "query ($n: Int) { a: list(limit: $n) { id } b: list(limit: $n) { id } c: list(limit: $n) { id } }";

    expect((await world.send({ query, variables: { n: 10 } })).body).toEqual({
      data: { a: [], b: [], c: [] },
    });
    expect((await world.send({ query, variables: { n: 400 } })).body).toEqual({
      errors: [expect.objectContaining({ extensions: { code: "QUERY_TOO_COSTLY" } })],
    });
    expect((await world.send({ query, variables: { n: 10 } })).body).toEqual({
      data: { a: [], b: [], c: [] },
    });
  });

  it("QUERY_TOO_COSTLY: the intents count as mutations, as updateTask does", async () => {
    const intents = [
      `a: renameTask(id: "${ID}", text: "t") { id }`,
      `b: completeTask(id: "${ID}") { id }`,
      `c: reopenTask(id: "${ID}") { id }`,
      `d: renameTask(id: "${ID}", text: "u") { id }`,
      `e: completeTask(id: "${ID}") { id }`,
      `f: updateTask(id: "${ID}", text: "t", done: true) { id }`,
    ];
    const { answer, events } = await (await given()).when({ query: `mutation { ${intents.join(" ")} }` });

    expect(answer.body).toEqual({
      errors: [
        {
          message: "The request has 6 mutations; at most 5 mutations are accepted per request.",
          extensions: { code: "QUERY_TOO_COSTLY" },
        },
      ],
    });
    expect(events).toEqual([]);
  });
});
