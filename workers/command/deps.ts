/** Builds the command worker's adapters from its bindings (validated at first use, per request). */
import { type Bindings, qstashConfig, redisConfig } from "../../shared/config";
import { eventLogFromBindings } from "../../shared/event-log/from-bindings";
import { createQStashNotifier } from "../../shared/notifier/qstash";
import { createIdempotencyStore } from "../../shared/projection/idempotency";
import { createLiveProjectionStore } from "../../shared/projection/live-store";
import { createRebuildControl } from "../../shared/projection/rebuild";
import { createRedisClient } from "../../shared/projection/redis";

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
    // The live namespace's projection (it follows a rebuild's switch); idempotency claims stay under the base prefix.
    store: createLiveProjectionStore(redis, client),
    idempotency: createIdempotencyStore(redis, client),
    redis: client,
    rebuild: createRebuildControl(client, redis.prefix, redis.timeoutMs),
    redisTimeoutMs: redis.timeoutMs,
    notifier: createQStashNotifier(qstashConfig(env)),
  };
}

export type CommandDeps = ReturnType<typeof commandDeps>;
