/**
 * The catch-up budget from optional bindings (documented in wrangler.projector.toml): unset means the default,
 * anything else must be a whole number in range, or the worker fails fast naming the binding.
 */
import type { Bindings } from "../../shared/config";
import { ConfigError } from "../../shared/errors";
import { type CatchUpBudget, DEFAULT_BUDGET } from "./catch-up";

function wholeNumber(env: Bindings, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === null || raw === "") return fallback;
  const n = typeof raw === "string" ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** `PROJECTOR_BATCH_SIZE` (records per fold batch), `PROJECTOR_MAX_EVENTS` (records per invocation). */
export function catchUpBudget(env: Bindings): CatchUpBudget {
  return {
    ...DEFAULT_BUDGET,
    batchSize: wholeNumber(env, "PROJECTOR_BATCH_SIZE", DEFAULT_BUDGET.batchSize, 1, 5_000),
    maxEvents: wholeNumber(env, "PROJECTOR_MAX_EVENTS", DEFAULT_BUDGET.maxEvents, 1, 1_000_000),
  };
}
