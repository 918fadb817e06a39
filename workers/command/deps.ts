/** Builds the command worker's adapters from its bindings (validated at first use, per request). */
import { type Bindings, qstashConfig, redisConfig } from "../../shared/config";
import { eventLogFromBindings } from "../../shared/event-log/from-bindings";
import { createQStashNotifier } from "../../shared/notifier/qstash";
import { liveNamespaced } from "../../shared/projection/live-store";
import { createRebuildControl } from "../../shared/projection/rebuild";
import { connectRedis } from "../../shared/projection/redis";
import { createRedisReadModel } from "../../shared/projection/redis-read-model";
import { createRedisWriteGuard } from "../../shared/write-guard/redis";
import { createRedisIdempotency } from "../../shared/write-guard/redis-idempotency";

/**
 * A reservation outlives its append's time limit by this factor (30 s at the default time limit of 5 s): long
 * enough that an append the log answers late still finds it, short enough not to wedge the task.
 */
export const RESERVATION_TTL_FACTOR = 6;

export function commandDeps(env: Bindings) {
  const redis = redisConfig(env);
  // One Redis client for every adapter: the auto-pipeline can then merge their commands issued in the same tick.
  const client = connectRedis(redis);
  const { log, timeoutMs } = eventLogFromBindings(env, redis, client.redis);
  return {
    log,
    reservationTtlMs: RESERVATION_TTL_FACTOR * timeoutMs,
    // The live namespace's read model and write guard (they follow a rebuild's switch); the guards themselves and
    // the idempotency claims stay under the base prefix.
    store: liveNamespaced(client, redis.prefix, (namespace) => createRedisReadModel(client, namespace)),
    guard: liveNamespaced(client, redis.prefix, (namespace) =>
      createRedisWriteGuard(client, { namespace, guards: redis.prefix }),
    ),
    idempotency: createRedisIdempotency(client, redis.prefix),
    redis: client,
    rebuild: createRebuildControl(client, redis.prefix),
    notifier: createQStashNotifier(qstashConfig(env)),
  };
}

export type CommandDeps = ReturnType<typeof commandDeps>;
