/**
 * Which log a projection is folded from. The first worker to use a projection namespace records the identity of
 * its event log there (backend, address, topic, partitions); every worker then compares its own before it reads or
 * writes the log. Two workers set to different logs would otherwise each work "correctly": the command worker
 * appending to one log, the projector folding another, and every write silently missing from reads.
 */
import type { EventLogConfig } from "../config";
import { ConfigError } from "../errors";
import { type Redis, redisCall } from "../redis/client";
import type { AppendStep, EventLog } from "./port";

/** Returns the stored identity, storing ARGV[1] first when there is none. KEYS[1]: the identity key. */
const CLAIM = `
local stored = redis.call('GET', KEYS[1])
if stored then return stored end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;

/**
 * Where a namespace keeps the identity of the log it is folded from. Named here, by the guard that claims it; the
 * projection's list of its keys (shared/projection/keys.ts) takes it from here.
 */
export function logIdentityKey(namespace: string): string {
  return `${namespace}:log-identity`;
}

/** The log's identity as one line, e.g. `redis-streams topic=events partitions=1 at db.upstash.io`. */
export function logIdentity(config: EventLogConfig): string {
  let host: string;
  try {
    host = new URL(config.url).host;
  } catch {
    host = config.url;
  }
  return `${config.backend} topic=${config.topic} partitions=${config.partitions} at ${host}`;
}

export interface IdentityCheck {
  redis: Redis;
  /** Where the identity is kept: the {@link logIdentityKey} of the projection's namespace. */
  key: string;
  identity: string;
  timeoutMs: number;
}

/** Identities already checked by this isolate: the check costs one round trip per isolate, not per request. */
const checked = new Map<string, Promise<void>>();

/** Claims or compares the identity; rejects with a ConfigError naming both logs when they differ. */
export function checkLogIdentity(check: IdentityCheck): Promise<void> {
  const memo = `${check.key}\n${check.identity}`;
  let pending = checked.get(memo);
  if (pending === undefined) {
    pending = (async () => {
      const stored = await redisCall("check the event log identity", check.timeoutMs, () =>
        check.redis.eval(CLAIM, [check.key], [check.identity]),
      );
      if (String(stored) !== check.identity) {
        throw new ConfigError(
          "EVENT_LOG",
          `does not match the log this projection (PROJECTION_PREFIX) is folded from: they differ in ${differences(String(stored), check.identity)}. Give both workers the same EVENT_LOG, log address, topic and EVENT_LOG_PARTITIONS, or fold a new projection under another PROJECTION_PREFIX`,
        );
      }
    })();
    checked.set(memo, pending);
    // A failure is not remembered: the next request checks again (the fix may be a redeploy of the other worker).
    pending.catch(() => checked.delete(memo));
  }
  return pending;
}

/**
 * Which parts of two identities differ, each named by the binding that sets it and never by its value: the address
 * and topic come from bindings, and a secret bound under the wrong name would otherwise reach the answer and the log.
 */
function differences(stored: string, ours: string): string {
  const parts = (identity: string) => {
    const match = /^(\S+) topic=(\S*) partitions=(\S*) at (.*)$/.exec(identity);
    return match ? match.slice(1) : [identity, "", "", ""];
  };
  const [a, b] = [parts(stored), parts(ours)];
  const named = [
    "the backend (EVENT_LOG)",
    "the topic (EVENT_LOG_TOPIC)",
    "the partitions (EVENT_LOG_PARTITIONS)",
    "the log's address (its URL binding)",
  ];
  const differing = named.filter((_, i) => a[i] !== b[i]);
  return differing.length === 0 ? "how they are written" : differing.join(" and ");
}

/**
 * The log, used only once its identity matches the projection's. `sharesDatabase`: its store is the projection's
 * database, so its `appendWith` (if it has one) is offered; otherwise it is left out.
 */
export function guardedLog(
  log: EventLog,
  check: () => Promise<void>,
  options: { sharesDatabase?: boolean } = {},
): EventLog {
  const appendWith = options.sharesDatabase ? log.appendWith?.bind(log) : undefined;
  return {
    partitions: log.partitions,
    ...(log.shortReadsEnd && { shortReadsEnd: true }),
    partitionFor: (key) => log.partitionFor(key),
    async append(key, values) {
      await check();
      return log.append(key, values);
    },
    ...(appendWith && {
      async appendWith(key: string, values: readonly string[], step: AppendStep) {
        await check();
        return appendWith(key, values, step);
      },
    }),
    async read(partition, fromOffset, options) {
      await check();
      return log.read(partition, fromOffset, options);
    },
    async head(partition) {
      await check();
      return log.head(partition);
    },
  };
}
