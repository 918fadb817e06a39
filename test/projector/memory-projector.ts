/**
 * The projector's adapters for in-process specifications: the log, the projection, the poke notifier and the sweep
 * cursor in memory; everything else built by the real factory from bindings that name services nobody serves
 * (port 9), so a spec that reaches one of them fails rather than passing by accident.
 */
import { createMemoryEventLog, type MemoryEventLog } from "../../shared/event-log/memory/event-log";
import type { Position } from "../../shared/event-log/port";
import type { Notifier, PokeReason } from "../../shared/notifier/qstash";
import { type DepsFactory, depsFromBindings, type ProjectorDeps } from "../../workers/projector/deps";
import { createMemoryProjection, type MemoryProjection } from "../support/memory-projection";

const NOWHERE = "http://127.0.0.1:9";
export const WEBHOOK = "https://projector.example/projection";
export const SIGNING_KEY = "sig_inProcessCurrentSigningKey01";

export const BINDINGS: Record<string, string> = {
  EVENT_LOG: "upstash-kafka",
  UPSTASH_REDIS_REST_URL: NOWHERE,
  UPSTASH_REDIS_REST_TOKEN: "unused",
  UPSTASH_KAFKA_URL: NOWHERE,
  UPSTASH_KAFKA_USERNAME: "unused",
  UPSTASH_KAFKA_PASSWORD: "unused",
  QSTASH_URL: NOWHERE,
  QSTASH_TOKEN: "unused",
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
  projection: MemoryProjection;
  /** The pokes the projector sent, in order. */
  pokes: SentPoke[];
  /** The factory `createProjectorApp` and `createScheduled` take. */
  deps: DepsFactory;
  /** The adapters over `bindings` (BINDINGS, plus a spec's budget, say). */
  build(bindings?: Record<string, string>): ProjectorDeps;
}

export function memoryProjector(options: { partitions?: number } = {}): MemoryProjector {
  const log = createMemoryEventLog({ partitions: options.partitions ?? 1 });
  const projection = createMemoryProjection();
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
  const namespace = { store: projection.store, lease: projection.lease };
  const deps: DepsFactory = (env) => ({
    ...depsFromBindings(env),
    log,
    ...namespace,
    notifier,
    sweepCursor: { advance: async () => sweeps++ },
    onNamespace: () => namespace,
    liveView: async () => ({ namespace: "memory", retiring: [] }),
  });
  return { log, projection, pokes, deps, build: (bindings = {}) => deps({ ...BINDINGS, ...bindings }) };
}
