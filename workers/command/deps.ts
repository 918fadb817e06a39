/** Builds the command worker's adapters from its bindings (validated at first use, per request). */
import { type Bindings, qstashConfig, redisConfig } from "../../shared/config";
import { eventLogFromBindings } from "../../shared/event-log/from-bindings";
import { createQStashNotifier } from "../../shared/notifier/qstash";
import { createIdempotencyStore } from "../../shared/projection/idempotency";
import { createRedisClient } from "../../shared/projection/redis";
import { createProjectionStore } from "../../shared/projection/store";

/**
 * A reservation outlives its append's time limit by this factor (30 s at the default time limit of 5 s): long
 * enough that an append the log answers late still finds it, short enough not to wedge the task.
 */
export const RESERVATION_TTL_FACTOR = 6;

export function commandDeps(env: Bindings) {
  const redis = redisConfig(env);
  // One Redis client for both stores: the auto-pipeline can then merge their commands issued in the same tick.
  const client = createRedisClient(redis);
  const { log, timeoutMs } = eventLogFromBindings(env, redis, client);
  return {
    log,
    reservationTtlMs: RESERVATION_TTL_FACTOR * timeoutMs,
    store: createProjectionStore(redis, client),
    idempotency: createIdempotencyStore(redis, client),
    notifier: createQStashNotifier(qstashConfig(env)),
  };
}

export type CommandDeps = ReturnType<typeof commandDeps>;
