/**
 * Reading bindings: each reader names the binding in its error, so a bad setting is found by its name. No error
 * carries the value it refused: a secret bound under the wrong name would otherwise reach an answer and the logs.
 */
import { ConfigError } from "../errors";

/** Every binding the readers read, by name: a misspelt name does not compile. */
export type BindingName =
  | "ADMIN_TOKEN"
  | "API_TOKEN"
  | "EVENT_LOG"
  | "EVENT_LOG_PARTITIONS"
  | "EVENT_LOG_REDIS_REST_TOKEN"
  | "EVENT_LOG_REDIS_REST_URL"
  | "EVENT_LOG_TIMEOUT_MS"
  | "EVENT_LOG_TOPIC"
  | "GRAPHQL_INTROSPECTION"
  | "KAFKA_TIMEOUT_MS"
  | "LIST_HUB"
  | "LIVE_SECRET"
  | "LIVE_URL"
  | "MAX_LIST_TASKS"
  | "MUTATION_LIMITER"
  | "PROJECTION_PREFIX"
  | "PROJECTOR_BATCH_SIZE"
  | "PROJECTOR_MAX_EVENTS"
  | "PROJECTOR_MAX_SUBREQUESTS"
  | "PROJECTOR_URL"
  | "PUBLIC_DEFAULT_LIST"
  | "QSTASH_CURRENT_SIGNING_KEY"
  | "QSTASH_NEXT_SIGNING_KEY"
  | "QSTASH_TOKEN"
  | "QSTASH_TOPIC"
  | "QSTASH_URL"
  | "REBUILD_GRACE_SECONDS"
  | "REDIS_TIMEOUT_MS"
  | "REQUEST_LIMITER"
  | "REDPANDA_PASSWORD"
  | "REDPANDA_PROXY_URL"
  | "REDPANDA_USERNAME"
  | "UPSTASH_KAFKA_PASSWORD"
  | "UPSTASH_KAFKA_REST_URL"
  | "UPSTASH_KAFKA_TOPIC"
  | "UPSTASH_KAFKA_URL"
  | "UPSTASH_KAFKA_USERNAME"
  | "UPSTASH_REDIS_REST_TOKEN"
  | "UPSTASH_REDIS_REST_URL";

/**
 * A worker's bindings as the readers see them: each may be missing or of any type, since a binding is whatever the
 * deployment set. Each worker's generated `Env` is accepted as it is, and so is a test's plain record; the readers
 * check every value they read.
 */
export type Bindings = { readonly [Name in BindingName]?: unknown };

/** The binding `name` as it is bound: a string from `[vars]` or a secret, a TOML value, or undefined. */
export function binding(env: Bindings, name: BindingName): unknown {
  return env[name];
}

export function optional(env: Bindings, name: BindingName): string | undefined {
  const v = binding(env, name);
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new ConfigError(name, "must be a string");
  return v;
}

export function required(env: Bindings, name: BindingName): string {
  const v = optional(env, name);
  if (v === undefined)
    throw new ConfigError(
      name,
      "is missing (set it in wrangler.*.toml [vars], as a secret, or in .dev.vars)",
    );
  return v;
}

export function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, "must be an http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigError(name, "must be an http(s) URL");
  return value;
}

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    throw new ConfigError(name, "must be an integer from 1 to 1024");
  return n;
}

/** Bounds of the per-request time limits (`REDIS_TIMEOUT_MS`, `KAFKA_TIMEOUT_MS`), in ms. */
export const TIMEOUT_LIMITS = { min: 50, max: 30_000, fallback: 5000 } as const;

/** An optional per-request time limit in ms: unset means the default, anything else must be in range. */
export function timeoutMs(env: Bindings, name: BindingName): number {
  const raw = optional(env, name);
  if (raw === undefined) return TIMEOUT_LIMITS.fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < TIMEOUT_LIMITS.min || n > TIMEOUT_LIMITS.max)
    throw new ConfigError(
      name,
      `must be an integer from ${TIMEOUT_LIMITS.min} to ${TIMEOUT_LIMITS.max} (ms)`,
    );
  return n;
}
