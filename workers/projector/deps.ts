/** Builds the projector's adapters from its bindings (validated at first use). */
import { type Bindings, qstashConfig, redisConfig, signingConfig } from "../../shared/config";
import { eventLogFromBindings } from "../../shared/event-log/from-bindings";
import { createQStashNotifier } from "../../shared/notifier/qstash";
import { createFoldLease } from "../../shared/projection/fold-lease";
import { type LiveView, liveView } from "../../shared/projection/namespace";
import { createRebuildControl } from "../../shared/projection/rebuild";
import { createRedisClient } from "../../shared/projection/redis";
import { createProjectionStore } from "../../shared/projection/store";
import { catchUpBudget } from "./budget";
import { rebuildGraceMs } from "./rebuild-settings";
import { createSweepCursor } from "./sweep-cursor";

/**
 * The adapters, with `store` and `lease` on the base prefix: call `onLive` (or `onNamespace`) before folding or
 * reading the projection, so that a rebuilt namespace is used once it is live.
 */
export function projectorDeps(env: Bindings) {
  const redis = redisConfig(env);
  const client = createRedisClient(redis);
  const onNamespace = (namespace: string) => ({
    store: createProjectionStore({ ...redis, prefix: namespace, guardPrefix: redis.prefix }, client),
    lease: createFoldLease({ ...redis, prefix: namespace }, client),
  });
  return {
    log: eventLogFromBindings(env, redis, client).log,
    store: createProjectionStore(redis, client),
    lease: createFoldLease(redis, client),
    sweepCursor: createSweepCursor(redis, client),
    notifier: createQStashNotifier(qstashConfig(env)),
    signing: signingConfig(env),
    budget: catchUpBudget(env),
    redis: client,
    /** The base prefix (`PROJECTION_PREFIX`) and Redis's time limit. */
    base: redis.prefix,
    redisTimeoutMs: redis.timeoutMs,
    rebuild: createRebuildControl(client, redis.prefix, redis.timeoutMs),
    rebuildGraceMs: rebuildGraceMs(env),
    /** The store and lease of one namespace (the live one, a rebuild's, or a retired one). */
    onNamespace,
    /** The live namespace and the retired ones still folded beside it (cached briefly by the isolate). */
    liveView: (): Promise<LiveView> => liveView(client, redis.prefix, redis.timeoutMs),
  };
}

export type ProjectorDeps = ReturnType<typeof projectorDeps>;

/** Builds the adapters of one request or cron run from the worker's bindings. */
export type DepsFactory = (env: Cloudflare.Env) => ProjectorDeps;

/** The default: every adapter from the bindings, validated at first use. */
export const depsFromBindings: DepsFactory = (env) =>
  projectorDeps(env as unknown as Record<string, unknown>);

/** The deps folding and reading the live namespace, and its name. */
export async function onLive(deps: ProjectorDeps): Promise<ProjectorDeps & { namespace: string }> {
  const { namespace } = await deps.liveView();
  return { ...deps, ...deps.onNamespace(namespace), namespace };
}
