/** The event log a worker's bindings select, guarded so that it is used only if it is the projection's log. */
import { type Bindings, eventLogConfig, type RedisConfig } from "../config";
import type { Redis } from "../redis/client";
import { createEventLog } from "./create";
import { checkLogIdentity, guardedLog, logIdentity, logIdentityKey } from "./identity";
import type { EventLog } from "./port";

/**
 * Builds the selected log from `env`. `redis` is the projection's client and `projection` its settings: the
 * identity of the log is checked there before the log's first use in this isolate (`ready` checks it for a reader
 * that goes around the log: the fold inside the database). `sharedTopic`: the log's topic when its records are
 * streams in the projection's own database (Redis Streams at the projection's URL, with its token), where the fold
 * can run inside the database, and where an append can run another adapter's step in its script (`appendWith`:
 * the write guard's commit).
 */
export function eventLogFromBindings(
  env: Bindings,
  projection: RedisConfig,
  redis: Redis,
): { log: EventLog; timeoutMs: number; ready: () => Promise<void>; sharedTopic?: string } {
  const config = eventLogConfig(env);
  const identity = logIdentity(config);
  const key = logIdentityKey(projection.prefix);
  const check = () => checkLogIdentity({ redis, key, identity, timeoutMs: projection.timeoutMs });
  const shared =
    config.backend === "redis-streams" && config.url === projection.url && config.token === projection.token;
  return {
    log: guardedLog(createEventLog(config), check, { sharesDatabase: shared }),
    timeoutMs: config.timeoutMs,
    ready: check,
    ...(shared && { sharedTopic: config.topic }),
  };
}
