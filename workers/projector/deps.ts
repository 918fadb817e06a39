/** Builds the projector's adapters from its bindings (validated at first use). */
import { type Bindings, qstashConfig, redisConfig, signingConfig } from "../../shared/config";
import { eventLogFromBindings } from "../../shared/event-log/from-bindings";
import { createQStashNotifier } from "../../shared/notifier/qstash";
import { createFoldLease } from "../../shared/projection/fold-lease";
import { createRedisClient } from "../../shared/projection/redis";
import { createProjectionStore } from "../../shared/projection/store";
import { catchUpBudget } from "./budget";
import { createSweepCursor } from "./sweep-cursor";

export function projectorDeps(env: Bindings) {
  const redis = redisConfig(env);
  const client = createRedisClient(redis);
  return {
    log: eventLogFromBindings(env, redis, client).log,
    store: createProjectionStore(redis, client),
    lease: createFoldLease(redis, client),
    sweepCursor: createSweepCursor(redis, client),
    notifier: createQStashNotifier(qstashConfig(env)),
    signing: signingConfig(env),
    budget: catchUpBudget(env),
  };
}

export type ProjectorDeps = ReturnType<typeof projectorDeps>;
