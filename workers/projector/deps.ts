/** Builds the projector's adapters from its bindings (validated at first use). */

import { type Bindings, qstashConfig, redisConfig, signingConfig } from "../../shared/config";
import { eventLogFromBindings } from "../../shared/event-log/from-bindings";
import { createQStashNotifier } from "../../shared/notifier/qstash";
import type { FoldSink } from "../../shared/projection/fold-sink";
import type { ReadModel } from "../../shared/projection/read-model";
import { createRedisFoldLease } from "../../shared/projection/redis/fold-lease";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { createRebuildControl } from "../../shared/rebuild/control";
import { type LiveView, liveView } from "../../shared/rebuild/namespace";
import { connectRedis, type RedisClient } from "../../shared/redis/client";
import { catchUpBudget } from "./fold/budget";
import { foldLeaseMs } from "./fold/lease-time";
import { createSweepCursor } from "./fold/sweep-cursor";
import { rebuildGraceMs } from "./rebuild/settings";

/**
 * The adapters, with `store` and `lease` on the base prefix: call `onLive` (or `onNamespace`) before folding or
 * reading the projection, so that a rebuilt namespace is used once it is live.
 */
export function projectorDeps(env: Bindings) {
  const redis = redisConfig(env);
  const client = connectRedis(redis);
  const onNamespace = (namespace: string) => ({
    store: namespaceProjection(client, namespace),
    lease: createRedisFoldLease(client, namespace),
  });
  const eventLog = eventLogFromBindings(env, redis, client.redis);
  return {
    log: eventLog.log,
    /** How long a fold lease lives: derived from the time limits of the log and Redis, so it outlasts their calls. */
    leaseMs: foldLeaseMs({ logTimeoutMs: eventLog.timeoutMs, redisTimeoutMs: client.timeoutMs }),
    ...onNamespace(redis.prefix),
    sweepCursor: createSweepCursor(client, redis.prefix),
    notifier: createQStashNotifier(qstashConfig(env)),
    signing: signingConfig(env),
    budget: catchUpBudget(env),
    /** Redis, with its time limit (`REDIS_TIMEOUT_MS`). */
    redis: client,
    /** The base prefix (`PROJECTION_PREFIX`). */
    base: redis.prefix,
    rebuild: createRebuildControl(client, redis.prefix),
    rebuildGraceMs: rebuildGraceMs(env),
    /** The store and lease of one namespace (the live one, a rebuild's, or a retired one). */
    onNamespace,
    /**
     * The live namespace and the retired ones still folded beside it: cached briefly by the isolate, or read from
     * Redis when `fresh`.
     */
    liveView: (fresh = false): Promise<LiveView> => liveView(client, redis.prefix, Date.now, fresh),
  };
}

/**
 * One namespace as the projector uses it: the fold's sink (it folds into it) and the read model (its status, the
 * sweep and the rebuild read checkpoints).
 */
function namespaceProjection(client: RedisClient, namespace: string): ReadModel & FoldSink {
  return { ...createRedisReadModel(client, namespace), ...createRedisFoldSink(client, namespace) };
}

export type ProjectorDeps = ReturnType<typeof projectorDeps>;

/** Builds the adapters of one request or cron run from the worker's bindings. */
export type DepsFactory = (env: Bindings) => ProjectorDeps;

/** The default: every adapter from the bindings, validated at first use. */
export const depsFromBindings: DepsFactory = projectorDeps;

/** The deps folding and reading the live namespace (as `view` names it, else as cached), and its name. */
export async function onLive(
  deps: ProjectorDeps,
  view?: LiveView,
): Promise<ProjectorDeps & { namespace: string }> {
  const { namespace } = view ?? (await deps.liveView());
  return { ...deps, ...deps.onNamespace(namespace), namespace };
}
