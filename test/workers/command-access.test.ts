/**
 * The default list (the original API, no listId) belongs to the operator: with API_TOKEN bound it needs
 * `Authorization: Bearer <API_TOKEN>`; with neither API_TOKEN nor PUBLIC_DEFAULT_LIST=true it is off, and says how
 * to turn it on. Named lists are unaffected, and hold at most MAX_LIST_TASKS tasks.
 */
import { describe, expect, it } from "vitest";
import { useSystem } from "./support/use-system";

const API_TOKEN = "operator-secret-token";
const withToken = useSystem({ commandBindings: { API_TOKEN, MAX_LIST_TASKS: "2" } });
const switchedOff = useSystem({ commandBindings: { PUBLIC_DEFAULT_LIST: "false" } });

const CREATE = 'mutation { createTask(text: "buy milk") { id } }';
const LIST = "{ list { id } }";
const CREATE_LIST = "mutation { createList { id } }";
const CREATE_ON = 'mutation ($listId: String!) { createTask(text: "x", listId: $listId) { id } }';

const codeOf = (res: { body: { errors?: Array<{ extensions?: { code?: string } }> } }) =>
  res.body.errors?.[0]?.extensions?.code;

describe("the default list with API_TOKEN bound", () => {
  it("refuses reads and writes without the token, or with a wrong one, as UNAUTHENTICATED", async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: "Bearer wrong" },
      { authorization: `Basic ${API_TOKEN}` },
    ];
    for (const headers of attempts) {
      for (const query of [CREATE, LIST]) {
        const res = await withToken().graphql(query, {}, headers);
        expect(codeOf(res)).toBe("UNAUTHENTICATED");
        expect(res.body.errors?.[0]?.message).toContain("Authorization: Bearer <API_TOKEN>");
      }
    }
  });

  it("serves the operator who sends the token", async () => {
    const headers = { authorization: `Bearer ${API_TOKEN}` };
    const created = await withToken().graphql(CREATE, {}, headers);
    expect(created.body.errors).toBeUndefined();
    const read = await withToken().graphql(LIST, {}, headers);
    expect(read.body.errors).toBeUndefined();
  });

  it("leaves named lists to their capabilities, each holding at most MAX_LIST_TASKS tasks", async () => {
    const minted = await withToken().graphql(CREATE_LIST, {});
    const listId = minted.body.data.createList.id;
    const first = await withToken().graphql(CREATE_ON, { listId });
    const second = await withToken().graphql(CREATE_ON, { listId });
    expect(first.body.errors).toBeUndefined();
    expect(second.body.errors).toBeUndefined();
    // The bound is checked against the projection: read the list once it holds both.
    const after = second.headers.get("x-consistency-token");
    await withToken().graphql("query ($l: String, $a: String) { list(listId: $l, after: $a) { id } }", {
      l: listId,
      a: after,
    });

    const third = await withToken().graphql(CREATE_ON, { listId });
    expect(codeOf(third)).toBe("LIST_FULL");
    expect(third.body.errors?.[0]?.message).toBe(
      "the list holds 2 tasks, the most a list may hold: delete some before adding more",
    );
  });
});

describe("the default list with neither API_TOKEN nor PUBLIC_DEFAULT_LIST", () => {
  it("is off: FORBIDDEN, naming the binding that turns it on", async () => {
    for (const query of [CREATE, LIST]) {
      const res = await switchedOff().graphql(query, {});
      expect(codeOf(res)).toBe("FORBIDDEN");
      expect(res.body.errors?.[0]?.message).toContain("API_TOKEN");
    }
    const minted = await switchedOff().graphql(CREATE_LIST, {});
    expect(minted.body.errors).toBeUndefined();
  });
});
