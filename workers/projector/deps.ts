/** What the projector runs on, and how it is built from the bindings (validated at first use). */

import {
  type Bindings,
  qstashConfig,
  redisConfig,
  type SigningConfig,
  signingConfig,
} from "../../shared/config";
import { eventLogFromBindings } from "../../shared/event-log/from-bindings";
import type { EventLog } from "../../shared/event-log/port";
import { createQStashNotifier, type Notifier } from "../../shared/notifier/qstash";
import type { InPlaceFold } from "../../shared/projection/fold-in-place";
import type { FoldLease } from "../../shared/projection/fold-lease";
import type { FoldSink } from "../../shared/projection/fold-sink";
import type { ReadModel } from "../../shared/projection/read-model";
import { createRedisInPlaceFold } from "../../shared/projection/redis/fold-in-place";
import { createRedisFoldLease } from "../../shared/projection/redis/fold-lease";
import { createRedisFoldSink } from "../../shared/projection/redis/fold-sink";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { createRebuildControl } from "../../shared/rebuild/control";
import type { CleanupPort, LiveClaimer, LiveView, RebuildPort } from "../../shared/rebuild/port";
import { createRedisCleanup } from "../../shared/rebuild/redis/cleanup";
import { createRedisLiveClaimer } from "../../shared/rebuild/redis/live-claim";
import { createRedisRebuild } from "../../shared/rebuild/redis/rebuild";
import { connectRedis, type RedisClient } from "../../shared/redis/client";
import { type CatchUpBudget, catchUpBudget } from "./fold/budget";
import { foldLeaseMs } from "./fold/lease-time";
import { createSweepCursor, type SweepCursor } from "./fold/sweep-cursor";
import { type LiveNotices, liveNotices } from "./live";
import { rebuildGraceMs } from "./rebuild/settings";

/**
 * One namespace as the projector uses it: the fold's sink and lease (it folds into it), and the read model (its
 * status, the sweep and the rebuild read checkpoints).
 */
export interface NamespaceDeps {
  store: ReadModel & FoldSink;
  lease: FoldLease;
  /** The fold inside the database, when the event log's streams are in the projection's Redis. */
  inPlace?: InPlaceFold;
}

/**
 * The ports the projector runs on, with `store` and `lease` on the base prefix: call `onLive` (or `onNamespace`)
 * before folding or reading the projection, so that a rebuilt namespace is used once it is live. The worker builds
 * them over Redis, the event log and QStash ({@link projectorDeps}); a specification gives in-process adapters of
 * the same ports to `createProjectorApp` and `createScheduled`.
 */
export interface ProjectorDeps extends NamespaceDeps {
  log: EventLog;
  /** How long a fold lease lives: derived from the time limits of the log and Redis, so it outlasts their calls. */
  leaseMs: number;
  sweepCursor: SweepCursor;
  notifier: Notifier;
  signing: SigningConfig;
  budget: CatchUpBudget;
  /** The live pointer and the rebuild's record. */
  rebuild: RebuildPort;
  /** Deleting a retired namespace, a chunk at a time. */
  cleanup: CleanupPort;
  /** How long a namespace replaced by a rebuild is kept, and folded, before it is deleted. */
  rebuildGraceMs: number;
  /** The store and lease of one namespace (the live one, a rebuild's, or a retired one). */
  onNamespace(namespace: string): NamespaceDeps;
  /** Live updates' notices to the command worker (LIVE_URL); absent when they are off. */
  live?: LiveNotices;
  /**
   * A poke's first step in one round trip: the live view read afresh with the partition claimed in the namespace
   * last seen live, if it still is. Absent: the view is read, then the partition claimed.
   */
  liveClaimer?: LiveClaimer;
}

/** Builds the adapters of one request or cron run from the worker's bindings. */
export type DepsFactory = (env: Bindings) => ProjectorDeps;

/** What the app and the cron trigger are built over. */
export interface ProjectorOptions {
  /** Builds the adapters of a request, at its first use of them (default: from the bindings). */
  deps?: DepsFactory;
}

export function projectorDeps(env: Bindings): ProjectorDeps {
  const redis = redisConfig(env);
  const client = connectRedis(redis);
  const eventLog = eventLogFromBindings(env, redis, client.redis);
  const topic = eventLog.sharedTopic;
  const onNamespace = (namespace: string): NamespaceDeps => ({
    store: namespaceProjection(client, namespace),
    lease: createRedisFoldLease(client, namespace),
    ...(topic !== undefined && { inPlace: createRedisInPlaceFold(client, namespace, topic, eventLog.ready) }),
  });
  const control = createRebuildControl(client, redis.prefix);
  const live = liveNotices(env);
  return {
    log: eventLog.log,
    leaseMs: foldLeaseMs({ logTimeoutMs: eventLog.timeoutMs, redisTimeoutMs: client.timeoutMs }),
    ...onNamespace(redis.prefix),
    sweepCursor: createSweepCursor(client, redis.prefix),
    notifier: createQStashNotifier(qstashConfig(env)),
    signing: signingConfig(env),
    budget: catchUpBudget(env),
    rebuild: createRedisRebuild(client, control, eventLog.log),
    cleanup: createRedisCleanup(client, control),
    rebuildGraceMs: rebuildGraceMs(env),
    onNamespace,
    ...(live && { live }),
    liveClaimer: createRedisLiveClaimer(client, redis.prefix),
  };
}

/** The read model and the fold sink of one namespace, over one Redis client. */
function namespaceProjection(client: RedisClient, namespace: string): ReadModel & FoldSink {
  return { ...createRedisReadModel(client, namespace), ...createRedisFoldSink(client, namespace) };
}

/** The default: every adapter from the bindings, validated at first use. */
export const depsFromBindings: DepsFactory = projectorDeps;

/** The deps folding and reading the live namespace (as `view` names it, else as cached), and its name. */
export async function onLive(
  deps: ProjectorDeps,
  view?: LiveView,
): Promise<ProjectorDeps & { namespace: string }> {
  const { namespace } = view ?? (await deps.rebuild.liveView());
  return { ...deps, ...deps.onNamespace(namespace), namespace };
}
