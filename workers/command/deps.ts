/** What the command worker's services run on, and how it is built from the bindings (validated at first use). */
import { type Bindings, qstashConfig, redisConfig } from "../../shared/config";
import { eventLogFromBindings } from "../../shared/event-log/from-bindings";
import type { EventLog } from "../../shared/event-log/port";
import type { ListRegistry } from "../../shared/lists/port";
import type { ListReads } from "../../shared/lists/reads";
import { createRedisListReads } from "../../shared/lists/redis/reads";
import { createRedisListRegistry } from "../../shared/lists/redis/registry";
import { createQStashNotifier, type Notifier } from "../../shared/notifier/qstash";
import type { ReadModel } from "../../shared/projection/read-model";
import { createRedisReadModel } from "../../shared/projection/redis/read-model";
import { createRebuildControl } from "../../shared/rebuild/control";
import { liveNamespace } from "../../shared/rebuild/namespace";
import type { RebuildStatus } from "../../shared/rebuild/port";
import { createRedisRebuild } from "../../shared/rebuild/redis/rebuild";
import { connectRedis } from "../../shared/redis/client";
import type { IdempotencyStore } from "../../shared/write-guard/idempotency";
import type { WriteGuard } from "../../shared/write-guard/port";
import { createRedisIdempotency } from "../../shared/write-guard/redis/idempotency";
import { createRedisWriteGuard } from "../../shared/write-guard/redis/write-guard";
import { type DefaultListPolicy, defaultListPolicy, maxListTasks } from "./access";
import { hubOf, hubs } from "./live/wire";

/**
 * A reservation outlives its append's time limit by this factor (30 s at the default time limit of 5 s): long
 * enough that an append the log answers late still finds it, short enough not to wedge the task.
 */
export const RESERVATION_TTL_FACTOR = 6;

/** One namespace of the projection: its read model and its write guard. */
export interface NamespaceDeps {
  namespace: string;
  store: ReadModel;
  /**
   * A named list's looks: its registry entry with the read of it in one round trip. Absent: the registry, then
   * `store`, one after the other (`composedListReads`, as in-process specifications have it).
   */
  listReads?: ListReads;
  /** Reservations and committed writes (kept under the base prefix), and the namespace's projected state. */
  guard: WriteGuard;
}

/**
 * The ports the read and write services use. The worker builds them over Redis, the event log and QStash
 * ({@link commandDeps}); a specification gives in-process adapters of the same ports to `createCommandApp`.
 */
export interface CommandDeps {
  log: EventLog;
  /** How long a write's reservation is held: a bound on its append and the waits around it. */
  reservationTtlMs: number;
  /**
   * The live namespace (it follows a rebuild's switch), its pointer read once per call, or taken from the isolate's
   * recent copy while `background` reads it again (see shared/rebuild/namespace.ts). A request calls it once and
   * serves every field from what it answered (see {@link RequestDeps}).
   */
  live(background?: (work: Promise<unknown>) => void): Promise<NamespaceDeps>;
  idempotency: IdempotencyStore;
  /** The lists minted, by their capabilities (under the base prefix, like the guards). */
  lists: ListRegistry;
  /** How the default list (no listId) is reached. */
  defaultList: DefaultListPolicy;
  /** The most active tasks a named list may hold. */
  maxListTasks: number;
  notifier: Notifier;
  /** The rebuild part of the projection's status, with `namespace` as the live one. */
  rebuildStatus(namespace: string): Promise<RebuildStatus>;
  /** The lists' live-update hubs, when live updates are on (a purge closes the list's sockets). */
  hubs?: { purged(listId: string): Promise<void> };
}

/**
 * What the services of one request run on: the live namespace resolved once for the whole request. Resolving it
 * per call instead could check a consistency token in the old namespace and then, the pointer having switched
 * in between, answer from the new one, which may be behind.
 */
export type RequestDeps = Omit<CommandDeps, "live"> & NamespaceDeps & { listReads: ListReads };

export function commandDeps(env: Bindings): CommandDeps {
  const redis = redisConfig(env);
  // One Redis client for every adapter: the auto-pipeline can then merge their commands issued in the same tick.
  const client = connectRedis(redis);
  const { log, timeoutMs } = eventLogFromBindings(env, redis, client.redis);
  const live = hubs(env);
  const rebuild = createRedisRebuild(client, createRebuildControl(client, redis.prefix), log);
  return {
    log,
    reservationTtlMs: RESERVATION_TTL_FACTOR * timeoutMs,
    async live(background) {
      const namespace = await liveNamespace(client, redis.prefix, background);
      return {
        namespace,
        store: createRedisReadModel(client, namespace),
        listReads: createRedisListReads(client, { guards: redis.prefix, namespace }),
        // The guards themselves and the idempotency claims stay under the base prefix.
        guard: createRedisWriteGuard(client, { namespace, guards: redis.prefix }),
      };
    },
    idempotency: createRedisIdempotency(client, redis.prefix),
    lists: createRedisListRegistry(client, redis.prefix),
    defaultList: defaultListPolicy(env),
    maxListTasks: maxListTasks(env),
    notifier: createQStashNotifier(qstashConfig(env)),
    rebuildStatus: (namespace) => rebuild.status(namespace),
    ...(live && { hubs: { purged: (listId: string) => hubOf(live, listId).purged() } }),
  };
}
