/**
 * Which event log the workers use (`EVENT_LOG`) and each backend's own bindings. Both workers read the same
 * names, so a worker pair configured alike reads and writes the same log; `shared/event-log/identity.ts` catches
 * a pair that is not.
 */
import { ConfigError } from "../errors";
import { type BindingName, type Bindings, httpUrl, optional, positiveInt, required, timeoutMs } from "./read";

export const EVENT_LOG_BACKENDS = ["upstash-kafka", "redis-streams", "redpanda"] as const;
export type EventLogBackend = (typeof EVENT_LOG_BACKENDS)[number];

/** Settings every backend shares: where the records go, how they are spread, how long a request may take. */
export interface LogCommonConfig {
  /** Topic (Kafka, Redpanda) or stream name prefix (Redis Streams): `EVENT_LOG_TOPIC`, or `UPSTASH_KAFKA_TOPIC`. */
  topic: string;
  /** `EVENT_LOG_PARTITIONS`, default 1. */
  partitions: number;
  /** Time limit of each event log request in ms: `EVENT_LOG_TIMEOUT_MS`, or `KAFKA_TIMEOUT_MS`; default 5000. */
  timeoutMs: number;
}

export interface KafkaConfig extends LogCommonConfig {
  url: string;
  username: string;
  password: string;
}

export interface RedisStreamsConfig extends LogCommonConfig {
  /** `EVENT_LOG_REDIS_REST_URL`, default the projection's `UPSTASH_REDIS_REST_URL`. */
  url: string;
  /** `EVENT_LOG_REDIS_REST_TOKEN`, default the projection's `UPSTASH_REDIS_REST_TOKEN`. */
  token: string;
}

export interface RedpandaConfig extends LogCommonConfig {
  /** `REDPANDA_PROXY_URL`: the HTTP Proxy's base URL. */
  url: string;
  /** `REDPANDA_USERNAME` and `REDPANDA_PASSWORD` (Basic auth), both set or both unset. */
  username?: string;
  password?: string;
}

export type EventLogConfig =
  | ({ backend: "upstash-kafka" } & KafkaConfig)
  | ({ backend: "redis-streams" } & RedisStreamsConfig)
  | ({ backend: "redpanda" } & RedpandaConfig);

/** Reads `name`, or its older alias `alias`; both set to different values is an error rather than a guess. */
function aliased(env: Bindings, name: BindingName, alias: BindingName): string | undefined {
  const value = optional(env, name);
  const old = optional(env, alias);
  if (value !== undefined && old !== undefined && value !== old) {
    throw new ConfigError(name, `and ${alias} are set to different values; set one of them, or both alike`);
  }
  return value ?? old;
}

/**
 * `EVENT_LOG`: `upstash-kafka`, `redis-streams` or `redpanda`, always set. There is no default: a worker that
 * guessed would append to, or fold, a log nobody set up. The refusal lists the choices but not the value bound.
 */
export function eventLogBackend(env: Bindings): EventLogBackend {
  const choices = EVENT_LOG_BACKENDS.join(", ");
  const raw = optional(env, "EVENT_LOG");
  if (raw === undefined) throw new ConfigError("EVENT_LOG", `is missing: set it to one of ${choices}`);
  const backend = EVENT_LOG_BACKENDS.find((b) => b === raw);
  if (backend === undefined) throw new ConfigError("EVENT_LOG", `must be one of ${choices}`);
  return backend;
}

/** The settings every backend shares, under their backend-neutral names or their older Kafka ones. */
export function logCommonConfig(env: Bindings): LogCommonConfig {
  // Checked for a clash first; a malformed value is then reported under the name it was set with.
  aliased(env, "EVENT_LOG_TIMEOUT_MS", "KAFKA_TIMEOUT_MS");
  const timeoutName =
    optional(env, "EVENT_LOG_TIMEOUT_MS") === undefined ? "KAFKA_TIMEOUT_MS" : "EVENT_LOG_TIMEOUT_MS";
  return {
    topic: aliased(env, "EVENT_LOG_TOPIC", "UPSTASH_KAFKA_TOPIC") ?? "events",
    partitions: positiveInt("EVENT_LOG_PARTITIONS", optional(env, "EVENT_LOG_PARTITIONS"), 1),
    timeoutMs: timeoutMs(env, timeoutName),
  };
}

/** `upstash-kafka`: the Upstash Kafka REST endpoint and its Basic auth. */
export function kafkaConfig(env: Bindings): KafkaConfig {
  const url = optional(env, "UPSTASH_KAFKA_URL") ?? optional(env, "UPSTASH_KAFKA_REST_URL");
  if (url === undefined)
    throw new ConfigError("UPSTASH_KAFKA_URL", "is missing (UPSTASH_KAFKA_REST_URL is accepted too)");
  return {
    url: httpUrl("UPSTASH_KAFKA_URL", url),
    username: required(env, "UPSTASH_KAFKA_USERNAME"),
    password: required(env, "UPSTASH_KAFKA_PASSWORD"),
    ...logCommonConfig(env),
  };
}

/** The log's Redis: its own database when `EVENT_LOG_REDIS_REST_URL` is set, else the projection's. */
export function redisStreamsConfig(env: Bindings): RedisStreamsConfig {
  const url = optional(env, "EVENT_LOG_REDIS_REST_URL");
  const token = optional(env, "EVENT_LOG_REDIS_REST_TOKEN");
  if ((url === undefined) !== (token === undefined)) {
    const missing = url === undefined ? "EVENT_LOG_REDIS_REST_URL" : "EVENT_LOG_REDIS_REST_TOKEN";
    throw new ConfigError(
      missing,
      "is missing: set EVENT_LOG_REDIS_REST_URL and EVENT_LOG_REDIS_REST_TOKEN together (or neither, to keep the log in the projection's Redis)",
    );
  }
  return {
    url:
      url === undefined
        ? httpUrl("UPSTASH_REDIS_REST_URL", required(env, "UPSTASH_REDIS_REST_URL"))
        : httpUrl("EVENT_LOG_REDIS_REST_URL", url),
    token: token ?? required(env, "UPSTASH_REDIS_REST_TOKEN"),
    ...logCommonConfig(env),
  };
}

/** `redpanda`: Redpanda's HTTP Proxy, with Basic auth when the proxy asks for it. */
export function redpandaConfig(env: Bindings): RedpandaConfig {
  const username = optional(env, "REDPANDA_USERNAME");
  const password = optional(env, "REDPANDA_PASSWORD");
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError(
      username === undefined ? "REDPANDA_USERNAME" : "REDPANDA_PASSWORD",
      "is missing: set REDPANDA_USERNAME and REDPANDA_PASSWORD together (Basic auth), or neither",
    );
  }
  return {
    url: httpUrl("REDPANDA_PROXY_URL", required(env, "REDPANDA_PROXY_URL")),
    ...(username !== undefined && password !== undefined ? { username, password } : {}),
    ...logCommonConfig(env),
  };
}

/** The selected backend with its validated settings. */
export function eventLogConfig(env: Bindings): EventLogConfig {
  const backend = eventLogBackend(env);
  switch (backend) {
    case "upstash-kafka":
      return { backend, ...kafkaConfig(env) };
    case "redis-streams":
      return { backend, ...redisStreamsConfig(env) };
    case "redpanda":
      return { backend, ...redpandaConfig(env) };
    default: {
      const unknown: never = backend;
      throw new ConfigError("EVENT_LOG", `has no adapter for "${String(unknown)}"`);
    }
  }
}
