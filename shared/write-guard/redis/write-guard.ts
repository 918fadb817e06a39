/** The write guard over Upstash Redis: the projected state of a namespace, and the guards under the base prefix. */
import type { TaskState } from "../../domain";
import { UpstreamError } from "../../errors";
import type { AppendStep } from "../../event-log/port";
import { decodeState, encodeState, toInt } from "../../projection/codec";
import { projectionKeys } from "../../projection/keys";
import type { RedisClient } from "../../redis/client";
import { redisScript } from "../../redis/script";
import { decodeCommitted, reservationToken, reservedVersion } from "../codec";
import { COMMITTED_KEEP_MS, LAST_RESERVED_KEEP_MS, type WriteGuard } from "../port";
import { COMMIT, COMMIT_STEP, CONDITIONAL_COMMIT_STEP, RELEASE, RESERVE } from "./scripts";

/** Guards writes decided on the namespace `namespace`, with the guards kept under `guards` (the base prefix). */
export function createRedisWriteGuard(
  client: RedisClient,
  options: { namespace: string; guards: string },
): WriteGuard {
  const { redis, call } = client;
  const keys = projectionKeys(options.namespace, options.guards);
  const scripts = {
    reserve: redisScript(redis, RESERVE),
    commit: redisScript(redis, COMMIT),
    release: redisScript(redis, RELEASE),
  };
  function commitStep(taskId: string, token: string, state: TaskState, create = false): AppendStep {
    return {
      lua: COMMIT_STEP,
      keys: [keys.committed(taskId), keys.reservation(taskId)],
      args: [token, encodeState(state), String(COMMITTED_KEEP_MS), create ? "1" : "0"],
    };
  }
  function conditionalStep(taskId: string, baseVersion: number, token: string, state: TaskState): AppendStep {
    return {
      lua: CONDITIONAL_COMMIT_STEP,
      refuses: true,
      keys: [keys.state, keys.reservation(taskId), keys.committed(taskId)],
      args: [taskId, String(baseVersion), token, encodeState(state), String(COMMITTED_KEEP_MS)],
    };
  }
  return {
    async readForWrite(taskId, partition) {
      const p = redis.pipeline();
      p.hget(keys.state, taskId);
      p.get(keys.reservation(taskId));
      p.get(keys.lastReserved(taskId));
      p.hget(keys.checkpoint, String(partition));
      p.get(keys.committed(taskId));
      const [state, reserved, lastReserved, checkpoint, committed] = await call("read task", () =>
        p.exec<[unknown, unknown, unknown, unknown, unknown]>(),
      );
      const decided = decodeCommitted(committed);
      return {
        state: decodeState(state),
        reserved: reservedVersion(reserved),
        lastReserved: reservedVersion(lastReserved),
        ...(decided && { committed: decided }),
        checkpoint: toInt(checkpoint),
      };
    },

    async reserve(taskId, baseVersion, newVersion, ttlMs, nonce) {
      const token = reservationToken(newVersion, nonce);
      const answer = await call("reserve", () =>
        scripts.reserve.exec(
          [keys.state, keys.reservation(taskId), keys.lastReserved(taskId), keys.committed(taskId)],
          [
            taskId,
            String(baseVersion),
            String(newVersion),
            String(ttlMs),
            String(ttlMs + LAST_RESERVED_KEEP_MS),
            token,
          ],
        ),
      );
      if (!Array.isArray(answer) || answer.length !== 3)
        throw new UpstreamError("redis", "reserve script answered an unexpected shape");
      return {
        ok: toInt(answer[0]) === 1,
        projected: toInt(answer[1]),
        reserved: toInt(answer[2]),
        token,
      };
    },

    async commit(taskId, token, state, create = false) {
      const { keys, args } = commitStep(taskId, token, state, create);
      const answer = await call("commit", () => scripts.commit.exec([...keys], [...args]));
      return toInt(answer) === 1;
    },

    commitStep,
    conditionalStep,

    async release(taskId, token) {
      await call("release", () =>
        scripts.release.exec([keys.reservation(taskId), keys.lastReserved(taskId)], [token]),
      );
    },
  };
}
