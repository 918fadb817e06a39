/**
 * Worker configuration, read only from bindings (`c.env`) and validated at first use: a missing or malformed
 * setting fails fast with a message naming it. Names: docs/operations.md#configuration.
 */
import { ConfigError } from "../errors";
import { type Bindings, httpUrl, optional, required, timeoutMs } from "./read";

export * from "./event-log";
export { type BindingName, type Bindings, binding, TIMEOUT_LIMITS } from "./read";

export interface RedisConfig {
  url: string;
  token: string;
  prefix: string;
  /** Time limit of each Redis request in ms (`REDIS_TIMEOUT_MS`, default 5000). */
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

export function qstashConfig(env: Bindings): QStashConfig {
  const urlGroup = optional(env, "QSTASH_TOPIC");
  if (urlGroup !== undefined && !/^[A-Za-z0-9._-]+$/.test(urlGroup)) {
    throw new ConfigError("QSTASH_TOPIC", "must be a URL group name of A-Z a-z 0-9 . _ -");
  }
  return {
    url: httpUrl("QSTASH_URL", optional(env, "QSTASH_URL") ?? "https://qstash.upstash.io"),
    token: required(env, "QSTASH_TOKEN"),
    projectorUrl: projectorUrl(env),
    ...(urlGroup ? { urlGroup } : {}),
  };
}

export function signingConfig(env: Bindings): SigningConfig {
  return {
    currentSigningKey: required(env, "QSTASH_CURRENT_SIGNING_KEY"),
    nextSigningKey: required(env, "QSTASH_NEXT_SIGNING_KEY"),
    projectorUrl: projectorUrl(env),
  };
}

/** Hosts a plain-http `PROJECTOR_URL` may name: this machine's own loopback, which no network carries. */
export const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * `PROJECTOR_URL`: where pokes go and the `sub` their signatures are checked against. It must be https: over plain
 * http a poke and its signature would cross the network readable and alterable. Only a loopback host (`npm run dev`,
 * the tests) may use http.
 */
export function projectorUrl(env: Bindings): string {
  const value = httpUrl("PROJECTOR_URL", required(env, "PROJECTOR_URL"));
  const url = new URL(value);
  if (url.protocol !== "https:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new ConfigError(
      "PROJECTOR_URL",
      "must be an https URL (http only on a loopback host: 127.0.0.1, ::1, localhost)",
    );
  }
  return value;
}

export function adminToken(env: Bindings): string | undefined {
  return optional(env, "ADMIN_TOKEN");
}
