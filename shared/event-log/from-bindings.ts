/** The event log a worker's bindings select, guarded so that it is used only if it is the projection's log. */
import { type Bindings, eventLogConfig, type RedisConfig } from "../config";
import type { Redis } from "../redis/client";
import { createEventLog } from "./create";
import { checkLogIdentity, guardedLog, logIdentity, logIdentityKey } from "./identity";
import type { EventLog } from "./port";

/**
 * Builds the selected log from `env`. `redis` is the projection's client and `projection` its settings: the
 * identity of the log is checked there before the log's first use in this isolate.
 */
export function eventLogFromBindings(
  env: Bindings,
  projection: RedisConfig,
  redis: Redis,
): { log: EventLog; timeoutMs: number } {
  const config = eventLogConfig(env);
  const identity = logIdentity(config);
  const key = logIdentityKey(projection.prefix);
  const check = () => checkLogIdentity({ redis, key, identity, timeoutMs: projection.timeoutMs });
  return { log: guardedLog(createEventLog(config), check), timeoutMs: config.timeoutMs };
}
