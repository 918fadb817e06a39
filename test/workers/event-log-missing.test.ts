/**
 * A worker given no EVENT_LOG picks none: it never falls back on an engine nobody set up. Every request that needs
 * the log is a 500 MISCONFIGURED naming EVENT_LOG and the choices. The workers run in workerd with bindings that
 * point nowhere (port 9): the refusal comes from the configuration, before any service is called.
 */
import { describe, expect, it } from "vitest";
import { nowhereBindings, useWorkersOn } from "./support/nowhere";

const workers = useWorkersOn(nowhereBindings({ EVENT_LOG: undefined, ADMIN_TOKEN: "admin" }));
const MISSING =
  "configuration: EVENT_LOG is missing: set it to one of upstash-kafka, redis-streams, redpanda";

describe("no EVENT_LOG bound", () => {
  it("createTask: a MISCONFIGURED GraphQL error naming EVENT_LOG and the choices", async () => {
    const res = await fetch(`http://127.0.0.1:${workers().command}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-no-log" },
      body: JSON.stringify({ query: 'mutation { createTask(text: "never written") { id } }' }),
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 500,
      body: {
        errors: [{ message: MISSING, extensions: { code: "MISCONFIGURED", requestId: "req-no-log" } }],
      },
    });
  });

  it("GET /status: the projector answers 500 MISCONFIGURED naming EVENT_LOG and the choices", async () => {
    const res = await fetch(`http://127.0.0.1:${workers().projector}/status`, {
      headers: { authorization: "Bearer admin", "x-request-id": "req-no-log" },
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 500,
      body: { error: MISSING, code: "MISCONFIGURED", requestId: "req-no-log" },
    });
  });
});
