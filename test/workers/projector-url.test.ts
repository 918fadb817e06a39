/**
 * A plain-http `PROJECTOR_URL` on a host other than loopback is refused by both workers, in workerd, before any
 * service is called (the bindings point nowhere, port 9): pokes and their signatures are never sent, or checked,
 * over a network that could read or alter them.
 */
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerOnFreePort } from "../../local/workerd/worker";

const NOWHERE = "http://127.0.0.1:9";
const BINDINGS: Record<string, string> = {
  EVENT_LOG: "upstash-kafka",
  UPSTASH_REDIS_REST_URL: NOWHERE,
  UPSTASH_REDIS_REST_TOKEN: "unused",
  UPSTASH_KAFKA_URL: NOWHERE,
  UPSTASH_KAFKA_USERNAME: "unused",
  UPSTASH_KAFKA_PASSWORD: "unused",
  QSTASH_URL: NOWHERE,
  QSTASH_TOKEN: "unused",
  QSTASH_CURRENT_SIGNING_KEY: "sig_unusedCurrentSigningKey00001",
  QSTASH_NEXT_SIGNING_KEY: "sig_unusedNextSigningKey00000002",
  PROJECTOR_URL: "http://projector.example.com/projection",
};
const REFUSED =
  "configuration: PROJECTOR_URL must be an https URL (http only on a loopback host: 127.0.0.1, ::1, localhost)";

let command: { mf: Miniflare; port: number };
let projector: { mf: Miniflare; port: number };

beforeAll(async () => {
  [command, projector] = await Promise.all([
    startWorkerOnFreePort("workers/command/index.ts", () => BINDINGS),
    startWorkerOnFreePort("workers/projector/index.ts", () => BINDINGS),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([command?.mf.dispose(), projector?.mf.dispose()]);
});

describe("an http PROJECTOR_URL off loopback", () => {
  it("createTask: a MISCONFIGURED GraphQL error naming PROJECTOR_URL and the rule", async () => {
    const res = await fetch(`http://127.0.0.1:${command.port}/graphql`, {
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
    const res = await fetch(`http://127.0.0.1:${projector.port}/projection`, {
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
