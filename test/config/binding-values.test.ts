/**
 * A refused binding is named with the rule it breaks, never with its value: a secret bound under the wrong name (a
 * token pasted into a URL or a number binding) would otherwise be shown to whoever sent the request, and written to
 * the logs. Each reader is given a malformed value that carries a marker, and its error must name the binding
 * without the marker.
 */
import { describe, expect, it } from "vitest";
import { eventLogConfig, qstashConfig, redisConfig, signingConfig } from "../../shared/config";
import { ConfigError } from "../../shared/errors";
import { checkLogIdentity } from "../../shared/event-log/identity";
import { createRedisStreamsEventLog } from "../../shared/event-log/redis-streams/event-log";
import { createRedpandaEventLog } from "../../shared/event-log/redpanda/event-log";
import { createUpstashKafkaEventLog } from "../../shared/event-log/upstash-kafka/event-log";
import type { Redis } from "../../shared/redis/client";
import { introspectionEnabled } from "../../workers/command/settings";
import { catchUpBudget } from "../../workers/projector/fold/budget";
import { rebuildGraceMs } from "../../workers/projector/rebuild/settings";

const SECRET = "sk_live_4f9aMarker";

const KAFKA = {
  EVENT_LOG: "upstash-kafka",
  UPSTASH_KAFKA_URL: "http://127.0.0.1:9",
  UPSTASH_KAFKA_USERNAME: "user",
  UPSTASH_KAFKA_PASSWORD: "password",
};
const QSTASH = {
  QSTASH_TOKEN: "token",
  QSTASH_CURRENT_SIGNING_KEY: "current",
  QSTASH_NEXT_SIGNING_KEY: "next",
  PROJECTOR_URL: "https://projector.example/projection",
};

/** The ConfigError `read` throws; fails the test when it throws nothing or something else. */
function refusal(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("no ConfigError was thrown");
}

describe("a malformed binding's error", () => {
  it.each<[string, () => unknown]>([
    [
      "UPSTASH_REDIS_REST_URL",
      () => redisConfig({ UPSTASH_REDIS_REST_URL: SECRET, UPSTASH_REDIS_REST_TOKEN: "t" }),
    ],
    ["QSTASH_URL", () => qstashConfig({ ...QSTASH, QSTASH_URL: `ftp://${SECRET}` })],
    ["PROJECTOR_URL", () => signingConfig({ ...QSTASH, PROJECTOR_URL: SECRET })],
    ["EVENT_LOG_PARTITIONS", () => eventLogConfig({ ...KAFKA, EVENT_LOG_PARTITIONS: SECRET })],
    [
      "REDIS_TIMEOUT_MS",
      () =>
        redisConfig({
          UPSTASH_REDIS_REST_URL: "http://r",
          UPSTASH_REDIS_REST_TOKEN: "t",
          REDIS_TIMEOUT_MS: SECRET,
        }),
    ],
    ["EVENT_LOG_TIMEOUT_MS", () => eventLogConfig({ ...KAFKA, EVENT_LOG_TIMEOUT_MS: SECRET })],
    [
      "EVENT_LOG_TOPIC",
      () => eventLogConfig({ ...KAFKA, EVENT_LOG_TOPIC: SECRET, UPSTASH_KAFKA_TOPIC: "events" }),
    ],
    ["GRAPHQL_INTROSPECTION", () => introspectionEnabled({ GRAPHQL_INTROSPECTION: SECRET })],
    ["PROJECTOR_BATCH_SIZE", () => catchUpBudget({ PROJECTOR_BATCH_SIZE: SECRET })],
    ["REBUILD_GRACE_SECONDS", () => rebuildGraceMs({ REBUILD_GRACE_SECONDS: SECRET })],
    [
      "UPSTASH_KAFKA_TOPIC",
      () =>
        createUpstashKafkaEventLog({
          url: "http://k",
          username: "u",
          password: "p",
          topic: `${SECRET}/x`,
          partitions: 1,
        }),
    ],
    [
      "EVENT_LOG_TOPIC",
      () => createRedpandaEventLog({ url: "http://k", topic: `${SECRET}/x`, partitions: 1 }),
    ],
    [
      "EVENT_LOG_TOPIC",
      () => createRedisStreamsEventLog({ url: "http://r", token: "t", topic: `${SECRET}/x`, partitions: 1 }),
    ],
  ])("%s: names the binding and its rule, not the value", (name, read) => {
    const error = refusal(read);

    expect(error.binding).toBe(name);
    expect(error.message).toMatch(new RegExp(`^configuration: ${name} `));
    expect(error.message).not.toContain(SECRET);
  });

  it("EVENT_LOG: a log other than the projection's is named by what differs, not by either log's address", async () => {
    const stored = `redis-streams topic=events partitions=1 at ${SECRET}.upstash.io`;
    const redis = { eval: async () => stored } as unknown as Redis;

    const check = checkLogIdentity({
      redis,
      key: "todo:v1:log-identity",
      identity: "upstash-kafka topic=events partitions=1 at kafka.example",
      timeoutMs: 1000,
    });

    const error = await check.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).not.toContain(SECRET);
    expect((error as Error).message).toBe(
      "configuration: EVENT_LOG does not match the log this projection (PROJECTION_PREFIX) is folded from: they differ in the backend (EVENT_LOG) and the log's address (its URL binding). Give both workers the same EVENT_LOG, log address, topic and EVENT_LOG_PARTITIONS, or fold a new projection under another PROJECTION_PREFIX",
    );
  });
});
