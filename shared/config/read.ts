/** Reading bindings: each reader names the binding in its error, so a bad setting is found by its name. */
import { ConfigError } from "../errors";

/**
 * A worker's bindings as the readers see them: any object, read by name. Each worker's generated `Env` is
 * accepted as it is, and so is a test's plain record; the readers check every value they read.
 */
export type Bindings = object;

/** The binding `name` as it is bound: a string from `[vars]` or a secret, a TOML value, or undefined. */
export function binding(env: Bindings, name: string): unknown {
  const value: unknown = Reflect.get(env, name);
  return value;
}

export function optional(env: Bindings, name: string): string | undefined {
  const v = binding(env, name);
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new ConfigError(name, "must be a string");
  return v;
}

export function required(env: Bindings, name: string): string {
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
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigError(name, `must be an http(s) URL, got "${value}"`);
  return value;
}

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1024)
    throw new ConfigError(name, `must be an integer from 1 to 1024, got "${value}"`);
  return n;
}

/** Bounds of the per-request time limits (`REDIS_TIMEOUT_MS`, `KAFKA_TIMEOUT_MS`), in ms. */
export const TIMEOUT_LIMITS = { min: 50, max: 30_000, fallback: 5000 } as const;

/** An optional per-request time limit in ms: unset means the default, anything else must be in range. */
export function timeoutMs(env: Bindings, name: string): number {
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
