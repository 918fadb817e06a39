/**
 * The rebuild port over Redis: the record, the scripts and the retired namespaces of control.ts, the live pointer
 * as namespace.ts reads and caches it, and the status of status.ts reading the rebuild's checkpoints from Redis.
 */
import type { EventLog } from "../../event-log/port";
import { projectionKeys } from "../../projection/keys";
import { checkpointMap } from "../../projection/redis/read-model";
import type { RedisClient } from "../../redis/client";
import type { RebuildControl } from "../control";
import { forgetLiveNamespace, liveView } from "../namespace";
import type { RebuildPort } from "../port";
import { type CheckpointsOf, rebuildStatus } from "../status";

/** The checkpoints of a namespace, read from Redis in one call. */
export function redisCheckpoints(client: RedisClient): CheckpointsOf {
  return async (namespace) =>
    checkpointMap(
      await client.call("read the rebuild's checkpoints", () =>
        client.redis.hgetall(projectionKeys(namespace).checkpoint),
      ),
    );
}

/** The rebuild of `control`'s base prefix; `log` gives the heads its status compares the checkpoints with. */
export function createRedisRebuild(client: RedisClient, control: RebuildControl, log: EventLog): RebuildPort {
  const checkpointsOf = redisCheckpoints(client);
  return {
    start: (now, live) => control.start(now, live),
    current: () => control.current(),
    retired: () => control.retired(),
    switchLive: (namespace, heads, now, graceMs) => control.switchLive(namespace, heads, now, graceMs),
    fail: (namespace, reason, now) => control.fail(namespace, reason, now),
    status: (live) => rebuildStatus(log, checkpointsOf, control, live),
    liveView: (fresh = false) => liveView(client, control.base, Date.now, fresh),
    forgetLive: () => forgetLiveNamespace(control.base),
  };
}
