import { EVENT_LOG_BACKENDS, type EventLogBackend } from "../../shared/config/event-log";

/**
 * The local stack's settings: fixed, documented development values, each overridable by an environment
 * variable of the same name. These are development credentials for loopback-only emulators, not secrets.
 */
export interface StackConfig {
  /** The event log the workers are given (`EVENT_LOG`); the stack starts what it needs. */
  eventLog: EventLogBackend;
  redisServerPort: number;
  redisRestPort: number;
  kafkaPort: number;
  /** The Redpanda HTTP Proxy emulator's port; it runs only with `EVENT_LOG=redpanda`. */
  redpandaPort: number;
  qstashPort: number;
  redisToken: string;
  kafkaUsername: string;
  kafkaPassword: string;
  redpandaUsername: string;
  redpandaPassword: string;
  /** The log's topic, for the Kafka and the Redpanda emulator alike. */
  kafkaTopic: string;
  kafkaPartitions: number;
  qstashToken: string;
  qstashCurrentSigningKey: string;
  qstashNextSigningKey: string;
  /** Multiplies QStash delays and retry backoff; 1 is Upstash's real schedule. */
  qstashTimeScale: number;
  adminToken: string;
  projectionPrefix: string;
  /** Where redis-server and the Kafka log keep their data. */
  stateDir: string;
}

export const DEFAULTS = {
  EVENT_LOG: "upstash-kafka",
  LOCAL_REDIS_SERVER_PORT: "16379",
  LOCAL_REDIS_REST_PORT: "8079",
  LOCAL_KAFKA_PORT: "8082",
  LOCAL_REDPANDA_PORT: "8083",
  LOCAL_QSTASH_PORT: "8081",
  UPSTASH_REDIS_REST_TOKEN: "local-redis-token",
  UPSTASH_KAFKA_USERNAME: "local",
  UPSTASH_KAFKA_PASSWORD: "local-kafka-password",
  REDPANDA_USERNAME: "local",
  REDPANDA_PASSWORD: "local-redpanda-password",
  UPSTASH_KAFKA_TOPIC: "events",
  EVENT_LOG_PARTITIONS: "1",
  QSTASH_TOKEN: "local-qstash-token",
  QSTASH_CURRENT_SIGNING_KEY: "sig_localCurrentSigningKey000001",
  QSTASH_NEXT_SIGNING_KEY: "sig_localNextSigningKey000000002",
  LOCAL_QSTASH_TIME_SCALE: "0.01",
  ADMIN_TOKEN: "local-admin-token",
  PROJECTION_PREFIX: "todo:v1",
  LOCAL_STATE_DIR: ".local",
} as const;

export type StackVariable = keyof typeof DEFAULTS;

/** Every port of the stack picked free at start: a stack for a test file or the bench beside any other. */
export const FREE_PORTS = {
  LOCAL_REDIS_SERVER_PORT: "0",
  LOCAL_REDIS_REST_PORT: "0",
  LOCAL_KAFKA_PORT: "0",
  LOCAL_REDPANDA_PORT: "0",
  LOCAL_QSTASH_PORT: "0",
} as const satisfies Partial<Record<StackVariable, string>>;

function portFrom(name: StackVariable, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a TCP port (0-65535), got "${value}"`);
  return n;
}

function positive(name: StackVariable, value: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`${name} must be a positive ${integer ? "integer" : "number"}, got "${value}"`);
  }
  return n;
}

function shellSafe(name: StackVariable, value: string): string {
  // stack.env is sourced by shells unquoted, so values must not need quoting.
  if (!/^[A-Za-z0-9_.:/@%+=,-]+$/.test(value)) {
    throw new Error(
      `${name} may only contain letters, digits and _.:/@%+=,- (it is written unquoted to stack.env)`,
    );
  }
  return value;
}

function backendFrom(value: string): EventLogBackend {
  const backend = EVENT_LOG_BACKENDS.find((b) => b === value);
  if (backend === undefined)
    throw new Error(`EVENT_LOG must be one of ${EVENT_LOG_BACKENDS.join(", ")}, got "${value}"`);
  return backend;
}

/** Reads the stack configuration from `env` (normally `process.env`), falling back to DEFAULTS. */
export function loadStackConfig(env: Record<string, string | undefined>): StackConfig {
  const get = (name: StackVariable) => shellSafe(name, env[name] ?? DEFAULTS[name]);
  return {
    eventLog: backendFrom(get("EVENT_LOG")),
    redisServerPort: portFrom("LOCAL_REDIS_SERVER_PORT", get("LOCAL_REDIS_SERVER_PORT")),
    redisRestPort: portFrom("LOCAL_REDIS_REST_PORT", get("LOCAL_REDIS_REST_PORT")),
    kafkaPort: portFrom("LOCAL_KAFKA_PORT", get("LOCAL_KAFKA_PORT")),
    redpandaPort: portFrom("LOCAL_REDPANDA_PORT", get("LOCAL_REDPANDA_PORT")),
    qstashPort: portFrom("LOCAL_QSTASH_PORT", get("LOCAL_QSTASH_PORT")),
    redisToken: get("UPSTASH_REDIS_REST_TOKEN"),
    kafkaUsername: get("UPSTASH_KAFKA_USERNAME"),
    kafkaPassword: get("UPSTASH_KAFKA_PASSWORD"),
    redpandaUsername: get("REDPANDA_USERNAME"),
    redpandaPassword: get("REDPANDA_PASSWORD"),
    kafkaTopic: get("UPSTASH_KAFKA_TOPIC"),
    kafkaPartitions: positive("EVENT_LOG_PARTITIONS", get("EVENT_LOG_PARTITIONS"), true),
    qstashToken: get("QSTASH_TOKEN"),
    qstashCurrentSigningKey: get("QSTASH_CURRENT_SIGNING_KEY"),
    qstashNextSigningKey: get("QSTASH_NEXT_SIGNING_KEY"),
    qstashTimeScale: positive("LOCAL_QSTASH_TIME_SCALE", get("LOCAL_QSTASH_TIME_SCALE"), false),
    adminToken: get("ADMIN_TOKEN"),
    projectionPrefix: get("PROJECTION_PREFIX"),
    stateDir: get("LOCAL_STATE_DIR"),
  };
}
