/**
 * The projection store over Upstash Redis: what the command worker reads and reserves, and what the
 * projector folds into. Each method is one Redis round trip.
 */
import type { Task, TaskState } from "../domain";
import { UpstreamError } from "../errors";
import { decodeState, encodeState, toInt } from "./codec";
import { type ProjectionKeys, projectionKeys } from "./keys";
import { createRedisClient, type Redis, redisCall } from "./redis";
import { APPLY_BATCH, LIST_TASKS, RELEASE, RESERVE } from "./scripts";

export interface ProjectionStoreConfig {
  url: string;
  token: string;
  prefix: string;
  timeoutMs?: number;
}

export interface TaskPage {
  tasks: Task[];
  total: number;
  /** Next offset to fold, per partition that has a checkpoint. */
  checkpoints: Map<number, number>;
}

export interface WriteView {
  state: TaskState;
  /** Highest version a writer has reserved and may not be projected yet (0 when none). */
  reserved: number;
  /** The version last reserved, held or not (0 when none is remembered). */
  lastReserved: number;
  checkpoint: number;
}

/** How long the last reserved version is remembered after its reservation expires. */
export const LAST_RESERVED_KEEP_MS = 10 * 60_000;

/** A fold batch, every write computed by the projector; applied only if the checkpoint is still `from`. */
export interface FoldBatch {
  partition: number;
  from: number;
  to: number;
  states: Array<[string, TaskState]>;
  orderAdd: Array<[number, string]>;
  orderRemove: string[];
  /** [list id, score, task id]: a task created on a named list */
  listAdd: Array<[string, number, string]>;
  /** [list id, task id]: a task of a named list deleted */
  listRemove: Array<[string, string]>;
  /** [task id, JSON history entry] in order */
  history: Array<[string, string]>;
  deadLetters: string[];
  rejected: string[];
  counts: { applied: number; rejected: number; dead: number };
}

export interface ProjectionCounters {
  applied: number;
  rejected: number;
  dead: number;
  /** Dead letters per partition (partitions without any are absent). */
  deadByPartition: Map<number, number>;
}

export type ProjectionStore = ReturnType<typeof createProjectionStore>;

/** `redis` lets a worker share one client between the stores it builds per request. */
export function createProjectionStore(
  config: ProjectionStoreConfig,
  redis: Redis = createRedisClient(config),
) {
  const timeoutMs = config.timeoutMs ?? 5000;
  const keys: ProjectionKeys = projectionKeys(config.prefix);
  const scripts = {
    applyBatch: redis.createScript<unknown>(APPLY_BATCH),
    list: redis.createScript<unknown>(LIST_TASKS),
    reserve: redis.createScript<unknown>(RESERVE),
    release: redis.createScript<unknown>(RELEASE),
  };
  const call = <T>(what: string, fn: () => Promise<T>) => redisCall(what, timeoutMs, fn);

  return {
    keys,

    /**
     * Active tasks of a list in creation order (`limit` of them from `offset`), the total, and the checkpoints.
     * No `listId`: the default list.
     */
    async list(offset: number, limit: number, listId?: string): Promise<TaskPage> {
      const index = listId === undefined ? keys.order : keys.list(listId);
      const answer = await call("list", () =>
        scripts.list.exec([index, keys.state, keys.checkpoint], [String(offset), String(offset + limit - 1)]),
      );
      if (
        !Array.isArray(answer) ||
        answer.length !== 3 ||
        !Array.isArray(answer[1]) ||
        !Array.isArray(answer[2])
      ) {
        throw new UpstreamError("redis", "list script answered an unexpected shape");
      }
      const tasks: Task[] = [];
      for (const raw of answer[2]) {
        const state = decodeState(raw);
        if (state.status === "active") tasks.push(state.task);
      }
      return { tasks, total: toInt(answer[0]), checkpoints: pairsToMap(answer[1]) };
    },

    /** One task's projected state, a pending reservation, the last reserved version and the checkpoint. */
    async readForWrite(taskId: string, partition: number): Promise<WriteView> {
      const p = redis.pipeline();
      p.hget(keys.state, taskId);
      p.get(keys.reservation(taskId));
      p.get(keys.lastReserved(taskId));
      p.hget(keys.checkpoint, String(partition));
      const [state, reserved, lastReserved, checkpoint] = await call("read task", () =>
        p.exec<[unknown, unknown, unknown, unknown]>(),
      );
      return {
        state: decodeState(state),
        reserved: toInt(reserved),
        lastReserved: toInt(lastReserved),
        checkpoint: toInt(checkpoint),
      };
    },

    async task(taskId: string): Promise<TaskState> {
      return decodeState(await call("read task", () => redis.hget(keys.state, taskId)));
    },

    /** Reserves `newVersion` for a task if its projected version is still `baseVersion` and nobody reserved beyond it. */
    async reserve(
      taskId: string,
      baseVersion: number,
      newVersion: number,
      ttlMs: number,
    ): Promise<{ ok: boolean; projected: number; reserved: number }> {
      const answer = await call("reserve", () =>
        scripts.reserve.exec(
          [keys.state, keys.reservation(taskId), keys.lastReserved(taskId)],
          [
            taskId,
            String(baseVersion),
            String(newVersion),
            String(ttlMs),
            String(ttlMs + LAST_RESERVED_KEEP_MS),
          ],
        ),
      );
      if (!Array.isArray(answer) || answer.length !== 3)
        throw new UpstreamError("redis", "reserve script answered an unexpected shape");
      return { ok: toInt(answer[0]) === 1, projected: toInt(answer[1]), reserved: toInt(answer[2]) };
    },

    /** Drops a reservation (and its memory) after a definite refusal of the append, if it is still the caller's. */
    async release(taskId: string, version: number): Promise<void> {
      await call("release", () =>
        scripts.release.exec([keys.reservation(taskId), keys.lastReserved(taskId)], [String(version)]),
      );
    },

    async history(taskId: string): Promise<string[]> {
      const entries = await call("history", () => redis.lrange<string>(keys.history(taskId), 0, -1));
      return entries.map(String);
    },

    async checkpoints(): Promise<Map<number, number>> {
      // Without automatic deserialization HGETALL answers the flat [field, value, ...] array.
      const raw: unknown = await call("read checkpoints", () => redis.hgetall(keys.checkpoint));
      return pairsToMap(Array.isArray(raw) ? raw : []);
    },

    async checkpoint(partition: number): Promise<number> {
      return toInt(await call("read checkpoint", () => redis.hget(keys.checkpoint, String(partition))));
    },

    async states(ids: string[]): Promise<Map<string, TaskState>> {
      if (ids.length === 0) return new Map();
      // Without automatic deserialization HMGET answers the plain array of values, in field order.
      const raw: unknown = await call("read states", () => redis.hmget(keys.state, ...ids));
      const values = Array.isArray(raw) ? raw : [];
      return new Map(ids.map((id, i) => [id, decodeState(values[i])]));
    },

    /** Applies a fold batch atomically with the checkpoint; `{applied:false}` when another fold moved the checkpoint first. */
    async applyBatch(batch: FoldBatch): Promise<{ applied: boolean; checkpoint: number }> {
      // Keys beyond the 6 fixed ones, each passed once; the payload names them by their 1-based Lua index.
      const extraKeys: string[] = [];
      const keyIndex = new Map<string, number>();
      const indexOf = (key: string): number => {
        let index = keyIndex.get(key);
        if (index === undefined) {
          extraKeys.push(key);
          index = 6 + extraKeys.length;
          keyIndex.set(key, index);
        }
        return index;
      };
      const h: Array<[number, string]> = batch.history.map(([taskId, entry]) => [
        indexOf(keys.history(taskId)),
        entry,
      ]);
      const la = batch.listAdd.map(([listId, score, id]) => [indexOf(keys.list(listId)), String(score), id]);
      const lr = batch.listRemove.map(([listId, id]) => [indexOf(keys.list(listId)), id]);
      const payload = JSON.stringify({
        s: batch.states.map(([id, state]) => [id, encodeState(state)]),
        za: batch.orderAdd.map(([score, id]) => [String(score), id]),
        zr: batch.orderRemove,
        h,
        la,
        lr,
        d: batch.deadLetters,
        r: batch.rejected,
        c: [batch.counts.applied, batch.counts.rejected, batch.counts.dead],
      });
      const answer = await call("apply fold batch", () =>
        scripts.applyBatch.exec(
          [keys.checkpoint, keys.state, keys.order, keys.counters, keys.dead, keys.rejected, ...extraKeys],
          [String(batch.partition), String(batch.from), String(batch.to), payload],
        ),
      );
      if (!Array.isArray(answer) || answer.length !== 2)
        throw new UpstreamError("redis", "fold script answered an unexpected shape");
      return { applied: toInt(answer[0]) === 1, checkpoint: toInt(answer[1]) };
    },

    async counters(): Promise<ProjectionCounters> {
      const raw: unknown = await call("read counters", () => redis.hgetall(keys.counters));
      const flat = Array.isArray(raw) ? raw : [];
      const counters = new Map<string, unknown>();
      for (let i = 0; i + 1 < flat.length; i += 2) counters.set(String(flat[i]), flat[i + 1]);
      const deadByPartition = new Map<number, number>();
      for (const [name, value] of counters) {
        const partition = /^dead:(\d+)$/.exec(name)?.[1];
        if (partition !== undefined) deadByPartition.set(Number(partition), toInt(value));
      }
      return {
        applied: toInt(counters.get("applied")),
        rejected: toInt(counters.get("rejected")),
        dead: toInt(counters.get("dead")),
        deadByPartition,
      };
    },

    /** The newest `count` dead letters and rejected events (JSON strings). */
    async problems(count: number): Promise<{ dead: string[]; rejected: string[] }> {
      const p = redis.pipeline();
      p.lrange(keys.dead, -count, -1);
      p.lrange(keys.rejected, -count, -1);
      const [dead, rejected] = await call("read dead letters", () => p.exec<[string[], string[]]>());
      return { dead: dead.map(String), rejected: rejected.map(String) };
    },
  };
}

function pairsToMap(flat: unknown[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(Number(flat[i]), toInt(flat[i + 1]));
  return out;
}
