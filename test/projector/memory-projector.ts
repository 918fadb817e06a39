/**
 * The projector's ports in memory, for in-process specifications: the log, each namespace's projection, the
 * poke notifier, the sweep cursor, the rebuild and the clean-up. No Redis, event-log or QStash adapter is built;
 * the bindings give only the settings (signing keys, budget, grace period).
 */
import { signingConfig } from "../../shared/config";
import { createMemoryEventLog, type MemoryEventLog } from "../../shared/event-log/memory/event-log";
import type { Position } from "../../shared/event-log/port";
import type { Notifier, PokeReason } from "../../shared/notifier/qstash";
import type { FoldLease } from "../../shared/projection/fold-lease";
import { createMemoryCleanup } from "../../shared/rebuild/memory/cleanup";
import { createMemoryRebuild, type MemoryRebuild } from "../../shared/rebuild/memory/rebuild";
import type { LiveClaimer, LiveView } from "../../shared/rebuild/port";
import type { DepsFactory, NamespaceDeps, ProjectorDeps } from "../../workers/projector/deps";
import { catchUpBudget } from "../../workers/projector/fold/budget";
import { LEASE_MS } from "../../workers/projector/fold/lease-time";
import { rebuildGraceMs } from "../../workers/projector/rebuild/settings";
import { createMemoryProjection, type MemoryProjection } from "../support/memory-projection";

export const WEBHOOK = "https://projector.example/projection";
export const SIGNING_KEY = "sig_inProcessCurrentSigningKey01";
/** The namespace live until a rebuild switches (the base prefix). */
export const BASE = "memory";

/** The bindings the projector reads settings from: the signing keys and the webhook's URL. */
export const BINDINGS: Record<string, string> = {
  QSTASH_CURRENT_SIGNING_KEY: SIGNING_KEY,
  QSTASH_NEXT_SIGNING_KEY: "sig_inProcessNextSigningKey0002",
  PROJECTOR_URL: WEBHOOK,
};

export interface SentPoke {
  hints: readonly Position[];
  reason: PokeReason;
}

export interface MemoryProjector {
  log: MemoryEventLog;
  /** The projection of the base namespace. */
  projection: MemoryProjection;
  /** The projection of `namespace` (made empty at its first use, as a new namespace starts). */
  namespace(namespace: string): MemoryProjection;
  rebuild: MemoryRebuild;
  /** The pokes the projector sent, in order. */
  pokes: SentPoke[];
  /** The factory `createProjectorApp` and `createScheduled` take. */
  deps: DepsFactory;
  /** The adapters over `bindings` (BINDINGS, plus a spec's budget, say). */
  build(bindings?: Record<string, string>): ProjectorDeps;
}

export function memoryProjector(options: { partitions?: number } = {}): MemoryProjector {
  const log = createMemoryEventLog({ partitions: options.partitions ?? 1 });
  const projections = new Map<string, MemoryProjection>();
  const namespace = (name: string): MemoryProjection => {
    const found = projections.get(name) ?? createMemoryProjection();
    projections.set(name, found);
    return found;
  };
  const onNamespace = (name: string): NamespaceDeps => {
    const { store, lease } = namespace(name);
    return { store, lease };
  };
  const rebuild = createMemoryRebuild({
    base: BASE,
    log,
    checkpointsOf: (name) => namespace(name).readModel.checkpoints(),
  });
  const cleanup = createMemoryCleanup(rebuild, (name) => (projections.delete(name) ? 1 : 0));
  const pokes: SentPoke[] = [];
  const notifier: Notifier = {
    async poke(hint, reason = "append") {
      pokes.push({ hints: [hint], reason });
    },
    async pokeMany(hints, reason) {
      pokes.push({ hints, reason });
    },
  };
  let sweeps = 0;
  const liveClaimer = memoryLiveClaimer(
    () => rebuild.liveView(true),
    (name) => namespace(name).lease,
  );
  const deps: DepsFactory = (env) => ({
    log,
    leaseMs: LEASE_MS,
    ...onNamespace(BASE),
    sweepCursor: { advance: async () => sweeps++ },
    notifier,
    signing: signingConfig(env),
    budget: catchUpBudget(env),
    rebuild,
    cleanup,
    rebuildGraceMs: rebuildGraceMs(env),
    onNamespace,
    liveClaimer,
  });
  return {
    log,
    projection: namespace(BASE),
    namespace,
    rebuild,
    pokes,
    deps,
    build: (bindings = {}) => deps({ ...BINDINGS, ...bindings }),
  };
}

/**
 * The in-process LiveClaimer, as the Redis one behaves: the view read afresh, and the claim made in the namespace
 * last seen live (at first `lastSeen`) only if the view still names it.
 */
export function memoryLiveClaimer(
  read: () => Promise<LiveView>,
  leaseOf: (namespace: string) => FoldLease,
  lastSeen = BASE,
): LiveClaimer {
  let guess = lastSeen;
  return {
    async claim(partition, token, ttlMs) {
      const guessed = guess;
      const view = await read();
      guess = view.namespace;
      if (view.namespace !== guessed) return { view };
      return { view, claim: await leaseOf(guessed).claim(partition, token, ttlMs) };
    },
  };
}
