/**
 * Worker configuration, read only from bindings (`c.env`) and validated at first use: a missing or malformed
 * setting fails fast with a message naming it. Names follow DESIGN section 6.
 */
import { ConfigError } from "../errors";

export type Bindings = Record<string, unknown>;

function optional(env: Bindings, name: string): string | undefined {
  const v = env[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new ConfigError(name, "must be a string");
  return v;
}

function required(env: Bindings, name: string): string {
  const v = optional(env, name);
  if (v === undefined)
    throw new ConfigError(
      name,
      "is missing (set it in wrangler.*.toml [vars], as a secret, or in .dev.vars)",
    );
  return v;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  return value;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    throw new ConfigError(name, `must be an integer from 1 to 1024, got "${value}"`);
  return n;
}

/** Bounds of the per-request time limits (`REDIS_TIMEOUT_MS`, `KAFKA_TIMEOUT_MS`), in ms. */
export const TIMEOUT_LIMITS = { min: 50, max: 30_000, fallback: 5000 } as const;

/** An optional per-request time limit in ms: unset means the default, anything else must be in range. */
function timeoutMs(env: Bindings, name: string): number {
  const raw = optional(env, name);
  if (raw === undefined) return TIMEOUT_LIMITS.fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < TIMEOUT_LIMITS.min || n > TIMEOUT_LIMITS.max)
    throw new ConfigError(
      name,
      `must be an integer from ${TIMEOUT_LIMITS.min} to ${TIMEOUT_LIMITS.max} (ms), got "${raw}"`,
    );
  return n;
}

export interface RedisConfig {
  url: string;
  token: string;
  prefix: string;
  /** Time limit of each Redis request in ms (`REDIS_TIMEOUT_MS`, default 5000). */
  timeoutMs: number;
}

export interface KafkaConfig {
  url: string;
  username: string;
  password: string;
  topic: string;
  partitions: number;
  /** Time limit of each event log request in ms (`KAFKA_TIMEOUT_MS`, default 5000). */
  timeoutMs: number;
}

export interface QStashConfig {
  url: string;
  token: string;
  projectorUrl: string;
  urlGroup?: string;
}

export interface SigningConfig {
  currentSigningKey: string;
  nextSigningKey: string;
  projectorUrl: string;
}

export function redisConfig(env: Bindings): RedisConfig {
  const prefix = optional(env, "PROJECTION_PREFIX") ?? "todo:v1";
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(prefix))
    throw new ConfigError("PROJECTION_PREFIX", "must be 1-64 characters of A-Z a-z 0-9 : . _ -");
  return {
    url: httpUrl("UPSTASH_REDIS_REST_URL", required(env, "UPSTASH_REDIS_REST_URL")),
    token: required(env, "UPSTASH_REDIS_REST_TOKEN"),
    prefix,
    timeoutMs: timeoutMs(env, "REDIS_TIMEOUT_MS"),
  };
}

export function kafkaConfig(env: Bindings): KafkaConfig {
  const url = optional(env, "UPSTASH_KAFKA_URL") ?? optional(env, "UPSTASH_KAFKA_REST_URL");
  if (url === undefined)
    throw new ConfigError("UPSTASH_KAFKA_URL", "is missing (UPSTASH_KAFKA_REST_URL is accepted too)");
  return {
    url: httpUrl("UPSTASH_KAFKA_URL", url),
    username: required(env, "UPSTASH_KAFKA_USERNAME"),
    password: required(env, "UPSTASH_KAFKA_PASSWORD"),
    topic: optional(env, "UPSTASH_KAFKA_TOPIC") ?? "events",
    partitions: positiveInt("EVENT_LOG_PARTITIONS", optional(env, "EVENT_LOG_PARTITIONS"), 1),
    timeoutMs: timeoutMs(env, "KAFKA_TIMEOUT_MS"),
  };
}

export function qstashConfig(env: Bindings): QStashConfig {
  const urlGroup = optional(env, "QSTASH_TOPIC");
  if (urlGroup !== undefined && !/^[A-Za-z0-9._-]+$/.test(urlGroup)) {
    throw new ConfigError("QSTASH_TOPIC", "must be a URL group name of A-Z a-z 0-9 . _ -");
  }
  return {
    url: httpUrl("QSTASH_URL", optional(env, "QSTASH_URL") ?? "https://qstash.upstash.io"),
    token: required(env, "QSTASH_TOKEN"),
    projectorUrl: httpUrl("PROJECTOR_URL", required(env, "PROJECTOR_URL")),
    ...(urlGroup ? { urlGroup } : {}),
  };
}

export function signingConfig(env: Bindings): SigningConfig {
  return {
    currentSigningKey: required(env, "QSTASH_CURRENT_SIGNING_KEY"),
    nextSigningKey: required(env, "QSTASH_NEXT_SIGNING_KEY"),
    projectorUrl: httpUrl("PROJECTOR_URL", required(env, "PROJECTOR_URL")),
  };
}

export function adminToken(env: Bindings): string | undefined {
  return optional(env, "ADMIN_TOKEN");
}
