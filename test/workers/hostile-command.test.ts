/**
 * The command worker under hostile and mistaken input, in workerd against a complete local stack: every case of
 * the malformed-input corpus gets a 4xx (or the 200 with errors the GraphQL-over-HTTP spec asks for) with a code
 * and a readable message, never a 500 or a stack trace; the caller's request id comes back and names the one log
 * line the refusal left; and nothing is written: the log head, the list and the projector's checkpoint and counters
 * are the same after every case as before the corpus.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTask, eventually, logHead, TASK_FIELDS } from "./support/command-support";
import { COMMAND_CORPUS, type CommandCase, type Seed } from "./support/hostile-command-corpus";
import {
  type CapturedWorker,
  expectCleanRefusal,
  linesOf,
  type RawAnswer,
  send,
  startCapturedCommand,
} from "./support/hostile-support";
import { useSystem } from "./support/use-system";

const sys = useSystem();
let command: CapturedWorker;
let seed: Seed;
let before: Snapshot;

interface Snapshot {
  head: number;
  list: unknown;
  status: unknown;
}

/** What a write would change: the log head, the projected list, and the projector's positions and counters. */
async function snapshot(): Promise<Snapshot> {
  const [head, list, status] = await Promise.all([
    logHead(sys()),
    sys()
      .graphql(`{ list { ${TASK_FIELDS} } }`)
      .then((res) => res.body),
    fetch(`${sys().projectorUrl}/status`, {
      headers: { authorization: `Bearer ${sys().env.ADMIN_TOKEN ?? ""}` },
    }).then((res) => res.json()),
  ]);
  return { head, list, status };
}

beforeAll(async () => {
  command = await startCapturedCommand(sys());
  const { task } = await createTask(sys(), "Seeded before the corpus");
  seed = { id: task.id, version: task.version };
  before = await eventually(async () => {
    const now = await snapshot();
    const caughtUp = (now.status as { lag: number }).lag === 0 && JSON.stringify(now.list).includes(task.id);
    return caughtUp ? now : undefined;
  }, "the seeded task to be projected");
});

afterAll(async () => {
  await command?.close();
});

/** The first error's code and message, from a GraphQL body or from `{ error, code }`. */
function firstError(answer: RawAnswer): { code: unknown; message: unknown } {
  const json = answer.json ?? {};
  const error = Array.isArray(json.errors) ? json.errors[0] : undefined;
  return error
    ? { code: error.extensions?.code, message: error.message }
    : { code: json.code, message: json.error };
}

describe("the malformed-input corpus", () => {
  const table = COMMAND_CORPUS.map((c): [string, CommandCase] => [c.name, c]);

  it.each(table)("command corpus: %s is answered clearly and writes nothing", async (_name, c) => {
    const requestId = `hostile-${randomUUID()}`;
    const request = typeof c.request === "function" ? c.request(seed) : c.request;

    const answer = await send(command.url, request, requestId);

    expectCleanRefusal(answer, requestId);
    expect(answer.status).toBe(c.status);
    expect(firstError(answer)).toEqual({
      code: c.code,
      message: typeof c.message === "string" ? c.message : expect.stringMatching(c.message),
    });
    if (c.field) {
      expect(answer.json.data).toEqual(c.rootNull ? null : { [c.field]: null });
    } else {
      expect(answer.json).not.toHaveProperty("data");
      const lines = await linesOf(command, requestId);
      expect(lines).toEqual([expect.objectContaining({ requestId, status: c.status, code: c.code })]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("command corpus: afterwards the log head, the list, the checkpoint and the counters are unchanged", async () => {
    const after = await snapshot();

    expect(after).toEqual(before);
    expect((after.status as { partitions: unknown }).partitions).toEqual([
      { partition: 0, checkpoint: before.head, head: before.head, lag: 0, deadLettered: 0 },
    ]);
  });
});

describe("request ids", () => {
  it("x-request-id: a sane id is echoed on a success too", async () => {
    const answer = await send(command.url, { method: "GET", path: "/health" }, "req-health-1");

    expect({ status: answer.status, id: answer.headers.get("x-request-id"), body: answer.json }).toEqual({
      status: 200,
      id: "req-health-1",
      body: { ok: true, worker: "command" },
    });
  });

  it("x-request-id: an id that is not a plain token is replaced by a UUID, answered and logged", async () => {
    const answer = await send(command.url, { method: "GET", path: "/nowhere" }, "bad id\twith <tags>");

    const id = answer.headers.get("x-request-id") ?? "";
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await linesOf(command, id)).toEqual([
      {
        worker: "command",
        level: "info",
        msg: "no route",
        requestId: id,
        status: 404,
        code: "NOT_FOUND",
        method: "GET",
        path: "/nowhere",
      },
    ]);
  });
});

describe("the GRAPHQL_INTROSPECTION binding", () => {
  const introspect = { query: "{ __schema { queryType { name } } }" };
  const graphqlPost = (body: unknown) => ({
    path: "/graphql",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify(body),
  });

  it.each([
    ["unset (the deployed default)", {}],
    ["false", { GRAPHQL_INTROSPECTION: "false" }],
  ])(
    "GRAPHQL_INTROSPECTION %s: introspection is a validation error and messages suggest no names",
    async (_name, bindings) => {
      const closed = await startCapturedCommand(sys(), bindings);
      try {
        const schemaAnswer = await send(closed.url, graphqlPost(introspect), "req-introspect");
        const typoAnswer = await send(closed.url, graphqlPost({ query: "{ lst { id } }" }), "req-typo");
        const argumentAnswer = await send(
          closed.url,
          graphqlPost({ query: "{ list(limt: 1) { id } }" }),
          "req-arg",
        );
        const typeAnswer = await send(
          closed.url,
          graphqlPost({ query: "query ($t: Strin) { list(listId: $t) { id } }" }),
          "req-type",
        );

        expect({ status: schemaAnswer.status, body: schemaAnswer.json }).toEqual({
          status: 400,
          body: {
            errors: [
              expect.objectContaining({
                message:
                  'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
                extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
              }),
              expect.objectContaining({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }),
            ],
          },
        });
        expect(typoAnswer.json.errors).toEqual([
          {
            message: 'Cannot query field "lst" on type "Query".',
            locations: [{ line: 1, column: 3 }],
            extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
          },
        ]);
        for (const answer of [argumentAnswer, typeAnswer]) {
          expect(answer.status).toBe(400);
          expect(answer.text).not.toMatch(/Did you mean|"limit"|"String"/);
        }
      } finally {
        await closed.close();
      }
    },
  );

  it("GRAPHQL_INTROSPECTION=true (what npm run dev sets): introspection answers", async () => {
    const open = await startCapturedCommand(sys(), { GRAPHQL_INTROSPECTION: "true" });
    try {
      const answer = await send(open.url, graphqlPost(introspect), "req-introspect-on");

      expect({ status: answer.status, body: answer.json }).toEqual({
        status: 200,
        body: { data: { __schema: { queryType: { name: "Query" } } } },
      });
    } finally {
      await open.close();
    }
  });

  it("GRAPHQL_INTROSPECTION=<a secret bound there by mistake>: a MISCONFIGURED GraphQL error naming the binding, logged with the request id, and the value in neither", async () => {
    const secret = "sk_live_misbound-9f2c";
    const broken = await startCapturedCommand(sys(), { GRAPHQL_INTROSPECTION: secret });
    try {
      const answer = await send(broken.url, graphqlPost({ query: "{ list { id } }" }), "req-misconfigured");

      const message = 'configuration: GRAPHQL_INTROSPECTION must be "true" or "false"';
      expect({ status: answer.status, id: answer.headers.get("x-request-id"), body: answer.json }).toEqual({
        status: 500,
        id: "req-misconfigured",
        body: {
          errors: [{ message, extensions: { code: "MISCONFIGURED", requestId: "req-misconfigured" } }],
        },
      });
      expect(await linesOf(broken, "req-misconfigured")).toEqual([
        {
          level: "error",
          worker: "command",
          msg: "request failed",
          requestId: "req-misconfigured",
          status: 500,
          code: "MISCONFIGURED",
          message,
          cause: `ConfigError: ${message}`,
        },
      ]);
      expect(JSON.stringify(broken.lines())).not.toContain(secret);
    } finally {
      await broken.close();
    }
  });
});
