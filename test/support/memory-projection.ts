/**
 * The in-process adapters of every projection port: the read model, the fold sink, the fold lease, the write
 * guard and the idempotency keys, over one shared state, so that a read after a fold sees the fold and a writer's
 * reservation meets the next writer's. They keep what the Redis scripts enforce (the checkpoint compare-and-set,
 * a batch applied all at once with its checkpoint, the partition count, lease fencing, reservation tokens,
 * committed writes, claims, dead letters and stops kept to the newest PROBLEMS_KEPT, expiry on `now()`), and store
 * values encoded as Redis holds them. For fast in-process specifications; the workers use the Redis adapters.
 */

import type { FoldLease } from "../../shared/projection/fold-lease";
import type { FoldSink } from "../../shared/projection/fold-sink";
import { createMemoryFoldLease } from "../../shared/projection/memory/fold-lease";
import { createMemoryFoldSink } from "../../shared/projection/memory/fold-sink";
import { createMemoryReadModel } from "../../shared/projection/memory/read-model";
import { createMemoryState, type MemoryProjectionState } from "../../shared/projection/memory/state";
import type { ReadModel } from "../../shared/projection/read-model";
import type { IdempotencyStore } from "../../shared/write-guard/idempotency";
import { createMemoryIdempotency } from "../../shared/write-guard/memory/idempotency";
import { createMemoryWriteGuard } from "../../shared/write-guard/memory/write-guard";
import type { WriteGuard } from "../../shared/write-guard/port";

export type { MemoryProjectionState } from "../../shared/projection/memory/state";

export interface MemoryProjection {
  readModel: ReadModel;
  sink: FoldSink;
  lease: FoldLease;
  guard: WriteGuard;
  idempotency: IdempotencyStore;
  /** The read model and the fold sink in one, as the projector's deps hold a namespace (`store`). */
  store: ReadModel & FoldSink;
  /** The shared state itself, for a specification that must set up what no port writes. */
  state: MemoryProjectionState;
}

export interface MemoryProjectionOptions {
  /** The clock that expiries are measured by (default: Date.now); a spec passes its own to move time. */
  now?: () => number;
}

/** A fresh, empty projection in process, every port's adapter over the one state. */
export function createMemoryProjection(options: MemoryProjectionOptions = {}): MemoryProjection {
  const state = createMemoryState(options.now);
  const readModel = createMemoryReadModel(state);
  const sink = createMemoryFoldSink(state);
  return {
    readModel,
    sink,
    lease: createMemoryFoldLease(state),
    guard: createMemoryWriteGuard(state),
    idempotency: createMemoryIdempotency(state),
    store: { ...readModel, ...sink },
    state,
  };
}
