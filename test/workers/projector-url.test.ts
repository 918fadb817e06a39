/**
 * A plain-http `PROJECTOR_URL` on a host other than loopback is refused by both workers, in workerd, before any
 * service is called (the bindings point nowhere, port 9): pokes and their signatures are never sent, or checked,
 * over a network that could read or alter them.
 */
import { describe, expect, it } from "vitest";
import { nowhereBindings, useWorkersOn } from "./support/nowhere";

const workers = useWorkersOn(nowhereBindings({ PROJECTOR_URL: "http://projector.example.com/projection" }));
const REFUSED =
  "configuration: PROJECTOR_URL must be an https URL (http only on a loopback host: 127.0.0.1, ::1, localhost)";

describe("an http PROJECTOR_URL off loopback", () => {
  it("createTask: a MISCONFIGURED GraphQL error naming PROJECTOR_URL and the rule", async () => {
    const res = await fetch(`http://127.0.0.1:${workers().command}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-http-projector" },
      body: JSON.stringify({ query: 'mutation { createTask(text: "never written") { id } }' }),
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 500,
      body: {
        errors: [
          { message: REFUSED, extensions: { code: "MISCONFIGURED", requestId: "req-http-projector" } },
        ],
      },
    });
  });

  it("POST /projection: the projector answers 500 MISCONFIGURED naming PROJECTOR_URL and the rule", async () => {
    const res = await fetch(`http://127.0.0.1:${workers().projector}/projection`, {
      method: "POST",
      headers: { "upstash-signature": "x.y.z", "x-request-id": "req-http-projector" },
      body: "{}",
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 500,
      body: { error: REFUSED, code: "MISCONFIGURED", requestId: "req-http-projector" },
    });
  });
});
