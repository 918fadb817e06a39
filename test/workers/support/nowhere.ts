/**
 * Both workers in workerd over bindings that point nowhere (port 9), for the tests of a configuration the workers
 * must refuse before they call any service: a refusal that reached a service would fail differently.
 */
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll } from "vitest";
import { startWorkerOnFreePort } from "../../../local/workerd/worker";

export const NOWHERE = "http://127.0.0.1:9";

/** Every binding the workers need, each pointing nowhere, with `overrides` (undefined: left out). */
export function nowhereBindings(overrides: Record<string, string | undefined>): Record<string, string> {
  const bindings: Record<string, string | undefined> = {
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
    PROJECTOR_URL: "https://projector.example/projection",
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(bindings).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])),
  );
}

/** Starts both workers on `bindings` for the file (before its first test, disposed after its last). */
export function useWorkersOn(bindings: Record<string, string>): () => { command: number; projector: number } {
  let command: { mf: Miniflare; port: number } | undefined;
  let projector: { mf: Miniflare; port: number } | undefined;
  beforeAll(async () => {
    [command, projector] = await Promise.all([
      startWorkerOnFreePort("workers/command/index.ts", () => bindings),
      startWorkerOnFreePort("workers/projector/index.ts", () => bindings),
    ]);
  });
  afterAll(async () => {
    await Promise.allSettled([command?.mf.dispose(), projector?.mf.dispose()]);
  });
  return () => {
    if (!command || !projector) throw new Error("the workers are not running (used outside a test?)");
    return { command: command.port, projector: projector.port };
  };
}
