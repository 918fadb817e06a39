/** Selecting the event log from bindings: each backend's own bindings validated, errors naming them. */
import { describe, expect, it } from "vitest";
import { eventLogConfig } from "../../shared/config/event-log";
import { ConfigError } from "../../shared/errors";
import { createEventLog } from "../../shared/event-log/create";
import { logIdentity } from "../../shared/event-log/identity";

const REDIS = { UPSTASH_REDIS_REST_URL: "https://db.example.io", UPSTASH_REDIS_REST_TOKEN: "t" };
const KAFKA = {
  EVENT_LOG: "upstash-kafka",
  UPSTASH_KAFKA_URL: "https://kafka.example.io",
  UPSTASH_KAFKA_USERNAME: "u",
  UPSTASH_KAFKA_PASSWORD: "p",
};

function configError(env: Record<string, unknown>): ConfigError {
  try {
    eventLogConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("no ConfigError");
}

describe("EVENT_LOG", () => {
  it("config: upstash-kafka reads its endpoint and credentials, with topic events and one partition", () => {
    expect(eventLogConfig({ ...KAFKA })).toEqual({
      backend: "upstash-kafka",
      url: "https://kafka.example.io",
      username: "u",
      password: "p",
      topic: "events",
      partitions: 1,
      timeoutMs: 5000,
    });
  });

  it("config: an unknown backend is refused, naming EVENT_LOG and the choices, not the value", () => {
    const err = configError({ ...KAFKA, EVENT_LOG: "kafka-ish" });
    expect(err.binding).toBe("EVENT_LOG");
    expect(err.message).toContain("upstash-kafka, redis-streams, redpanda");
    expect(err.message).not.toContain("kafka-ish");
  });

  it("config: a missing EVENT_LOG is refused, naming the choices, rather than falling back on one", () => {
    for (const unset of [undefined, ""]) {
      const err = configError({ ...KAFKA, ...REDIS, EVENT_LOG: unset });
      expect(err.binding).toBe("EVENT_LOG");
      expect(err.message).toBe(
        "configuration: EVENT_LOG is missing: set it to one of upstash-kafka, redis-streams, redpanda",
      );
    }
  });

  it("config: redis-streams keeps the log in the projection's Redis unless given its own", () => {
    expect(eventLogConfig({ ...REDIS, EVENT_LOG: "redis-streams", EVENT_LOG_TOPIC: "ev" })).toMatchObject({
      backend: "redis-streams",
      url: "https://db.example.io",
      token: "t",
      topic: "ev",
    });
    const own = { EVENT_LOG_REDIS_REST_URL: "https://log.example.io", EVENT_LOG_REDIS_REST_TOKEN: "lt" };
    expect(eventLogConfig({ ...REDIS, ...own, EVENT_LOG: "redis-streams" })).toMatchObject({
      url: "https://log.example.io",
      token: "lt",
    });
  });

  it("config: redis-streams names the missing half of its own connection, and the projection's when absent", () => {
    expect(
      configError({
        ...REDIS,
        EVENT_LOG: "redis-streams",
        EVENT_LOG_REDIS_REST_URL: "https://log.example.io",
      }).binding,
    ).toBe("EVENT_LOG_REDIS_REST_TOKEN");
    expect(configError({ EVENT_LOG: "redis-streams" }).binding).toBe("UPSTASH_REDIS_REST_URL");
  });

  it("config: redpanda needs REDPANDA_PROXY_URL and both or neither of its credentials", () => {
    expect(configError({ EVENT_LOG: "redpanda" }).binding).toBe("REDPANDA_PROXY_URL");
    expect(
      configError({ EVENT_LOG: "redpanda", REDPANDA_PROXY_URL: "http://p:8083", REDPANDA_USERNAME: "u" })
        .binding,
    ).toBe("REDPANDA_PASSWORD");
    expect(eventLogConfig({ EVENT_LOG: "redpanda", REDPANDA_PROXY_URL: "http://p:8083" })).toMatchObject({
      backend: "redpanda",
      url: "http://p:8083",
    });
  });

  it("config: EVENT_LOG_TOPIC and its alias UPSTASH_KAFKA_TOPIC may not disagree", () => {
    expect(eventLogConfig({ ...KAFKA, UPSTASH_KAFKA_TOPIC: "old" }).topic).toBe("old");
    const err = configError({ ...KAFKA, EVENT_LOG_TOPIC: "new", UPSTASH_KAFKA_TOPIC: "old" });
    expect(err.binding).toBe("EVENT_LOG_TOPIC");
    expect(err.message).toContain("UPSTASH_KAFKA_TOPIC");
  });

  it("config: EVENT_LOG_TIMEOUT_MS, or KAFKA_TIMEOUT_MS, bounds every backend's requests", () => {
    expect(eventLogConfig({ ...KAFKA, KAFKA_TIMEOUT_MS: "700" }).timeoutMs).toBe(700);
    expect(
      eventLogConfig({ ...REDIS, EVENT_LOG: "redis-streams", EVENT_LOG_TIMEOUT_MS: "800" }).timeoutMs,
    ).toBe(800);
    expect(configError({ ...KAFKA, EVENT_LOG_TIMEOUT_MS: "10" }).binding).toBe("EVENT_LOG_TIMEOUT_MS");
  });

  it("identity: names backend, topic, partitions and address, so any difference shows", () => {
    const config = eventLogConfig({ ...REDIS, EVENT_LOG: "redis-streams", EVENT_LOG_PARTITIONS: "4" });
    expect(logIdentity(config)).toBe("redis-streams topic=events partitions=4 at db.example.io");
  });

  it("createEventLog: a stream name that cannot be a key is refused, naming EVENT_LOG_TOPIC", () => {
    const config = eventLogConfig({ ...REDIS, EVENT_LOG: "redis-streams", EVENT_LOG_TOPIC: "a{b}" });
    expect(() => createEventLog(config)).toThrow(/EVENT_LOG_TOPIC/);
  });
});
