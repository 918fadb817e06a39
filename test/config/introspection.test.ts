/**
 * `GRAPHQL_INTROSPECTION`: off unless set to "true". A deployed API does not spell its schema out to strangers by
 * default; `npm run dev` turns it on, so GraphiQL has a schema to show on this machine.
 */
import { describe, expect, it } from "vitest";
import { devWorkerEnv } from "../../local/stack/workers";
import { introspectionEnabled } from "../../workers/command/settings";

describe("GRAPHQL_INTROSPECTION", () => {
  it.each<[string, unknown, boolean]>([
    ["unset", undefined, false],
    ["empty", "", false],
    ['"false"', "false", false],
    ["a TOML false", false, false],
    ['"true"', "true", true],
    ["a TOML true", true, true],
  ])("%s (%o): on is %s", (_name, value, on) => {
    expect(introspectionEnabled({ GRAPHQL_INTROSPECTION: value })).toBe(on);
  });

  it("npm run dev: the workers' env file turns it on", () => {
    const env = devWorkerEnv(
      { EVENT_LOG: "upstash-kafka" },
      { topic: "events", projectorUrl: "http://localhost:8788/projection" },
    );

    expect(env).toEqual({
      EVENT_LOG: "upstash-kafka",
      EVENT_LOG_TOPIC: "events",
      PROJECTOR_URL: "http://localhost:8788/projection",
      GRAPHQL_INTROSPECTION: "true",
    });
  });
});
