/**
 * The projection store over Upstash Redis: what the command worker reads and reserves, and what the
 * projector folds into. Each method is one Redis round trip.
 */
import type { Task, TaskState } from "../domain";
import { UpstreamError } from "../errors";
import { decodeState, encodeState, toInt } from "./codec";
import {
  type ApplyOutcome,
  applyOutcome,
  type PartitionStop,
  PROBLEMS_KEPT,
  parseStop,
} from "./fold-outcome";
import { type ProjectionKeys, projectionKeys } from "./keys";
import { createRedisClient, type Redis, redisCall } from "./redis";
import { APPLY_BATCH, COMMIT, LIST_TASKS, RELEASE, RESERVE } from "./scripts";

export { type ApplyOutcome, type PartitionStop, PROBLEMS_KEPT } from "./fold-outcome";

export interface ProjectionStoreConfig {
  url: string;
  token: string;
  /** The namespace the projection is read from and folded into. */
  prefix: string;
  /** Where the write guards live (the base prefix); default: `prefix`. */
  guardPrefix?: string;
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
  /** The task's last write the log acknowledged, as its writer decided it (it may be projected already). */
  committed?: { version: number; state: TaskState };
  checkpoint: number;
}

/** How long the last reserved version is remembered after its reservation expires. */
export const LAST_RESERVED_KEEP_MS = 10 * 60_000;

/**
 * How long a committed write's state is kept for the next writer: past it, a writer that finds the projection
 * still behind waits for it, as it would without.
 */
export const COMMITTED_KEEP_MS = LAST_RESERVED_KEEP_MS;

/** A fold batch, every write computed by the projector; applied only if the checkpoint is still `from`. */
export interface FoldBatch {
  partition: number;
  from: number;
  to: number;
  states: Array<[string, TaskState]>;
  /** Per state written, the version the batch was folded from (0: absent); the script checks Redis still has it. */
  expected: Array<[string, number]>;
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
  /** The partition stops at `offset` (= `to`): the record there cannot be folded by this code. */
  stop?: { offset: number; reason: string };
}

export interface ProjectionCounters {
  applied: number;
  rejected: number;
  dead: number;
  /** Dead letters per partition (partitions without any are absent). */
  deadByPartition: Map<number, number>;
  /** Fold batches applied, and folds that lost the checkpoint compare-and-set (their work was thrown away). */
  folds: { applied: number; lost: number };
}

export type ProjectionStore = ReturnType<typeof createProjectionStore>;

/** `redis` lets a worker share one client between the stores it builds per request. */
export function createProjectionStore(
  config: ProjectionStoreConfig,
  redis: Redis = createRedisClient(config),
) {
  const timeoutMs = config.timeoutMs ?? 5000;
  const keys: ProjectionKeys = projectionKeys(config.prefix, config.guardPrefix);
  const scripts = {
    applyBatch: redis.createScript<unknown>(APPLY_BATCH),
    list: redis.createScript<unknown>(LIST_TASKS),
    reserve: redis.createScript<unknown>(RESERVE),
    commit: redis.createScript<unknown>(COMMIT),
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

    /**
     * One task's projected state, a pending reservation, the last reserved version, the last committed write and
     * the checkpoint.
     */
    async readForWrite(taskId: string, partition: number): Promise<WriteView> {
      const p = redis.pipeline();
      p.hget(keys.state, taskId);
      p.get(keys.reservation(taskId));
      p.get(keys.lastReserved(taskId));
      p.hget(keys.checkpoint, String(partition));
      p.get(keys.committed(taskId));
      const [state, reserved, lastReserved, checkpoint, committed] = await call("read task", () =>
        p.exec<[unknown, unknown, unknown, unknown, unknown]>(),
      );
      const decided = committedWrite(committed);
      return {
        state: decodeState(state),
        reserved: reservedVersion(reserved),
        lastReserved: reservedVersion(lastReserved),
        ...(decided && { committed: decided }),
        checkpoint: toInt(checkpoint),
      };
    },

    async task(taskId: string): Promise<TaskState> {
      return decodeState(await call("read task", () => redis.hget(keys.state, taskId)));
    },

    /**
     * Reserves `newVersion` for a task if its projected version is still `baseVersion` and nobody reserved beyond
     * it. `nonce` is the writer's own (one per attempt): the reservation is held under the token it answers, and a
     * call retried after its answer was lost finds that token and succeeds rather than refuse its own writer.
     */
    async reserve(
      taskId: string,
      baseVersion: number,
      newVersion: number,
      ttlMs: number,
      nonce: string,
    ): Promise<{ ok: boolean; projected: number; reserved: number; token: string }> {
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

    /**
     * Records that the log acknowledged the write reserved under `token` (an update's or delete's), or a create's
     * (`create`: no reservation), with the state it decided; answers whether it was recorded. Kept as long as the
     * memory of a reservation.
     */
    async commit(taskId: string, token: string, state: TaskState, create = false): Promise<boolean> {
      const answer = await call("commit", () =>
        scripts.commit.exec(
          [keys.committed(taskId), keys.reservation(taskId)],
          [token, encodeState(state), String(COMMITTED_KEEP_MS), create ? "1" : "0"],
        ),
      );
      return toInt(answer) === 1;
    },

    /** Drops a reservation (and its memory) held under `token`, after the append certainly stored nothing. */
    async release(taskId: string, token: string): Promise<void> {
      await call("release", () =>
        scripts.release.exec([keys.reservation(taskId), keys.lastReserved(taskId)], [token]),
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

    /**
     * Applies a fold batch atomically with the checkpoint, all of it or nothing, for a log of `partitions`
     * partitions. Throws an UpstreamError, having written nothing, when a key it would write holds something
     * else than the fold wrote there.
     */
    async applyBatch(
      batch: FoldBatch,
      partitions: number,
      now: Date = new Date(),
      lease?: { token: string; ttlMs: number },
    ): Promise<ApplyOutcome> {
      // Keys beyond the 9 fixed ones, each passed once; the payload names them by their 1-based Lua index.
      const extraKeys: string[] = [];
      const keyIndex = new Map<string, number>();
      const indexOf = (key: string): number => {
        let index = keyIndex.get(key);
        if (index === undefined) {
          extraKeys.push(key);
          index = 9 + extraKeys.length;
          keyIndex.set(key, index);
        }
        return index;
      };
      // One entry per key, [index, ...its values in batch order]: the script writes each with one variadic command.
      const grouped = (items: Array<[string, string[]]>): Array<Array<number | string>> => {
        const byKey = new Map<number, Array<number | string>>();
        for (const [key, values] of items) {
          const index = indexOf(key);
          const group = byKey.get(index) ?? [index];
          group.push(...values);
          byKey.set(index, group);
        }
        return [...byKey.values()];
      };
      const h = grouped(batch.history.map(([taskId, entry]) => [keys.history(taskId), [entry]]));
      const la = grouped(
        batch.listAdd.map(([listId, score, id]) => [keys.list(listId), [String(score), id]]),
      );
      const lr = grouped(batch.listRemove.map(([listId, id]) => [keys.list(listId), [id]]));
      const payload = JSON.stringify({
        s: batch.states.flatMap(([id, state]) => [id, encodeState(state)]),
        v: batch.expected,
        za: batch.orderAdd.flatMap(([score, id]) => [String(score), id]),
        zr: batch.orderRemove,
        h,
        la,
        lr,
        d: batch.deadLetters,
        r: batch.rejected,
        c: [batch.counts.applied, batch.counts.rejected, batch.counts.dead],
        ...(batch.stop && { x: batch.stop }),
      });
      const answer = await call("apply fold batch", () =>
        scripts.applyBatch.exec(
          [
            keys.checkpoint,
            keys.state,
            keys.order,
            keys.counters,
            keys.dead,
            keys.rejected,
            keys.stopped,
            keys.partitions,
            keys.foldLease(batch.partition),
            ...extraKeys,
          ],
          [
            String(batch.partition),
            String(batch.from),
            String(batch.to),
            payload,
            String(partitions),
            now.toISOString(),
            String(PROBLEMS_KEPT),
            lease?.token ?? "",
            String(lease?.ttlMs ?? 0),
          ],
        ),
      );
      return applyOutcome(answer, batch);
    },

    /** The partitions that are stopped, with where and why. */
    async stops(): Promise<Map<number, PartitionStop>> {
      const raw: unknown = await call("read stops", () => redis.hgetall(keys.stopped));
      const flat = Array.isArray(raw) ? raw : [];
      const out = new Map<number, PartitionStop>();
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const stop = parseStop(flat[i + 1]);
        if (stop) out.set(Number(flat[i]), stop);
      }
      return out;
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
        folds: { applied: toInt(counters.get("batches")), lost: toInt(counters.get("lost")) },
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

/** What a writer's reservation holds: the version it reserved and its own nonce. */
export function reservationToken(version: number, nonce: string): string {
  return `${version}:${nonce}`;
}

/** The version in a reservation token (`<version>:<nonce>`); 0 when none is held. */
function reservedVersion(raw: unknown): number {
  if (raw === null || raw === undefined) return 0;
  return toInt(String(raw).split(":", 1)[0]);
}

/** A committed write as stored (`<version>:<nonce>:<state JSON>`); undefined when none is. */
function committedWrite(raw: unknown): { version: number; state: TaskState } | undefined {
  if (raw === null || raw === undefined) return undefined;
  const m = /^(\d+):[^:]*:([\s\S]*)$/.exec(String(raw));
  if (!m) throw new UpstreamError("redis", "the projection holds a malformed committed write");
  return { version: toInt(m[1]), state: decodeState(m[2]) };
}

function pairsToMap(flat: unknown[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(Number(flat[i]), toInt(flat[i + 1]));
  return out;
}
