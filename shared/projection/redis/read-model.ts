/** The read model over Upstash Redis: each method is one round trip to one namespace's keys. */
import type { Task } from "../../domain";
import { UpstreamError } from "../../errors";
import { hashPairs, type RedisClient } from "../../redis/client";
import { redisScript } from "../../redis/script";
import { decodeCounters, decodeHistoryEntry, decodeState, toInt } from "../codec";
import { projectionKeys } from "../keys";
import { cursorPage, type ListEntry } from "../pages";
import { decodeProblems, decodeStops, type PartitionStop } from "../problems";
import type { CursorPage, ListCursor, ReadModel, TaskPage } from "../read-model";
import { LIST_PAGE, LIST_TASKS } from "./scripts";

/** The read model of the namespace `prefix`. */
export function createRedisReadModel(client: RedisClient, prefix: string): ReadModel {
  const { redis, call } = client;
  const keys = projectionKeys(prefix);
  const listScript = redisScript(redis, LIST_TASKS);
  const pageScript = redisScript(redis, LIST_PAGE);
  return {
    async list(offset, limit, listId) {
      const index = listId === undefined ? keys.order : keys.list(listId);
      const answer = await call("list", () =>
        listScript.exec([index, keys.state, keys.checkpoint], [String(offset), String(offset + limit - 1)]),
      );
      return decodeTaskPage(answer);
    },

    async listSize(listId) {
      return toInt(await call("list size", () => redis.zcard(keys.list(listId))));
    },

    async listAfter(limit, listId, after) {
      const index = listId === undefined ? keys.order : keys.list(listId);
      const answer = await call("list page", () =>
        pageScript.exec(
          [index, keys.state, keys.checkpoint],
          [String(limit + 1), after ? String(after.score) : ""],
        ),
      );
      return decodeCursorPage(answer, limit, after);
    },

    async task(taskId) {
      return decodeState(await call("read task", () => redis.hget(keys.state, taskId)));
    },

    async history(taskId, range) {
      const [start, stop] = range ? [range.offset, range.offset + range.limit - 1] : [0, -1];
      const entries = await call("history", () => redis.lrange<string>(keys.history(taskId), start, stop));
      return entries.map(decodeHistoryEntry);
    },

    async checkpoints() {
      return checkpointMap(await call("read checkpoints", () => redis.hgetall(keys.checkpoint)));
    },

    async checkpoint(partition) {
      return toInt(await call("read checkpoint", () => redis.hget(keys.checkpoint, String(partition))));
    },

    async counters() {
      return decodeCounters(hashPairs(await call("read counters", () => redis.hgetall(keys.counters))));
    },

    async problems(count) {
      const p = redis.pipeline();
      p.lrange(keys.dead, -count, -1);
      p.lrange(keys.rejected, -count, -1);
      const [dead, rejected] = await call("read dead letters", () => p.exec<[unknown[], unknown[]]>());
      return decodeProblems(dead, rejected);
    },

    async stops() {
      return readStops(client, keys.stopped);
    },
  };
}

/** A page as LIST_TASKS answers it (also as part of a bigger answer, see shared/lists/redis/reads.ts). */
export function decodeTaskPage(answer: unknown): TaskPage {
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
  return { tasks, total: toInt(answer[0]), checkpoints: checkpointMap(answer[1]) };
}

/** A page as LIST_PAGE answers it when asked for `limit` tasks after `after`. */
export function decodeCursorPage(answer: unknown, limit: number, after?: ListCursor): CursorPage {
  const [checkpoints, entries, states] = Array.isArray(answer) ? answer : [];
  if (!Array.isArray(entries) || !Array.isArray(states) || states.length * 2 !== entries.length) {
    throw new UpstreamError("redis", "list page script answered an unexpected shape");
  }
  const listed: ListEntry[] = [];
  const stateOf = new Map<string, unknown>();
  for (let i = 0; i < states.length; i++) {
    const id = String(entries[2 * i]);
    listed.push({ id, score: Number(entries[2 * i + 1]) });
    stateOf.set(id, states[i]);
  }
  return cursorPage(listed, limit, after, (id) => stateOf.get(id), checkpointMap(checkpoints));
}

/** The stop records of a namespace's `stopped` hash (the read model's and the fold sink's). */
export async function readStops(client: RedisClient, key: string): Promise<Map<number, PartitionStop>> {
  return decodeStops(hashPairs(await client.call("read stops", () => client.redis.hgetall(key))));
}

/** A checkpoint hash (field: partition, value: next offset) read raw, or as the list script answers it. */
export function checkpointMap(raw: unknown): Map<number, number> {
  return new Map(hashPairs(raw).map(([partition, offset]) => [Number(partition), toInt(offset)]));
}
