/**
 * A worker given no EVENT_LOG picks none: it never falls back on an engine nobody set up. Every request that needs
 * the log is a 500 MISCONFIGURED naming EVENT_LOG and the choices. The workers run in workerd with bindings that
 * point nowhere (port 9): the refusal comes from the configuration, before any service is called.
 */
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerOnFreePort } from "../../local/workerd/worker";

const NOWHERE = "http://127.0.0.1:9";
const BINDINGS: Record<string, string> = {
  UPSTASH_REDIS_REST_URL: NOWHERE,
  UPSTASH_REDIS_REST_TOKEN: "unused",
  UPSTASH_KAFKA_URL: NOWHERE,
  UPSTASH_KAFKA_USERNAME: "unused",
  UPSTASH_KAFKA_PASSWORD: "unused",
  QSTASH_URL: NOWHERE,
  QSTASH_TOKEN: "unused",
  QSTASH_CURRENT_SIGNING_KEY: "sig_unusedCurrentSigningKey00001",
  QSTASH_NEXT_SIGNING_KEY: "sig_unusedNextSigningKey00000002",
  PROJECTOR_URL: "https://projector.example/projection",
  ADMIN_TOKEN: "admin",
};
const MISSING =
  "configuration: EVENT_LOG is missing: set it to one of upstash-kafka, redis-streams, redpanda";

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

describe("no EVENT_LOG bound", () => {
  it("createTask: a MISCONFIGURED GraphQL error naming EVENT_LOG and the choices", async () => {
    const res = await fetch(`http://127.0.0.1:${command.port}/graphql`, {
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
    const res = await fetch(`http://127.0.0.1:${projector.port}/status`, {
      headers: { authorization: "Bearer admin", "x-request-id": "req-no-log" },
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 500,
      body: { error: MISSING, code: "MISCONFIGURED", requestId: "req-no-log" },
    });
  });
});
