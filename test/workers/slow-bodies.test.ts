/**
 * A body sent slowly cannot hold a request open: both workers, in workerd, answer a body still trickling in when
 * their reading deadline passes with a coded 408, and act on nothing of it. The client here sends the start of a
 * valid request, then one byte every 200 ms, and never ends the body: only a deadline can answer it.
 */
import { describe, expect, it } from "vitest";
import { BODY_DEADLINE_MS } from "../../shared/http/body";
import { sendTrickle } from "../support/open-stream";
import { useSystem } from "./support/use-system";

const sys = useSystem();
const EVERY_MS = 200;

describe("a body trickled past the deadline", () => {
  it("POST /graphql: a 408 REQUEST_TIMEOUT GraphQL error, and no task written", async () => {
    const answer = await sendTrickle({
      url: `${sys().commandUrl}/graphql`,
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        "x-request-id": "req-trickled",
      },
      start: '{"query": "mutation { createTask(text: \\"slow\\") { id } }"',
      everyMs: EVERY_MS,
    });

    expect({
      status: answer.status,
      id: answer.headers.get("x-request-id"),
      body: JSON.parse(answer.text),
    }).toEqual({
      status: 408,
      id: "req-trickled",
      body: {
        errors: [
          {
            message: `Request body not received within ${BODY_DEADLINE_MS} ms: send it whole, at once.`,
            extensions: { code: "REQUEST_TIMEOUT" },
          },
        ],
      },
    });
    // Still sending when answered: the answer came from the deadline, not from the body's end.
    expect(answer.written).toBeGreaterThan(1);
    const list = await sys().graphql("query { list { text } }");
    expect(list.body.data.list).toEqual([]);
  });

  it("POST /projection: a 408 REQUEST_TIMEOUT before the signature is even checked", async () => {
    const answer = await sendTrickle({
      url: `${sys().projectorUrl}/projection`,
      headers: {
        "content-type": "application/json",
        "upstash-signature": "x.y.z",
        "x-request-id": "req-trickled",
      },
      start: '{"partition": 0',
      everyMs: EVERY_MS,
    });

    expect({
      status: answer.status,
      id: answer.headers.get("x-request-id"),
      body: JSON.parse(answer.text),
    }).toEqual({
      status: 408,
      id: "req-trickled",
      body: { error: `body not received within ${BODY_DEADLINE_MS} ms`, code: "REQUEST_TIMEOUT" },
    });
  });
});
