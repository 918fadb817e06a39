/**
 * The fold sink over Upstash Redis: a batch is applied by one script (APPLY_BATCH) that compares the checkpoint,
 * checks everything it will write, then writes it all; its answer is read into an ApplyOutcome here.
 */
import { UpstreamError } from "../../errors";
import type { RedisClient } from "../../redis/client";
import { decodeState, encodeState, toInt } from "../codec";
import type { FoldBatch } from "../fold";
import {
  type ApplyOutcome,
  type FoldSink,
  type LeaseHold,
  PROBLEMS_KEPT,
  StaleBatchError,
} from "../fold-sink";
import { projectionKeys } from "../keys";
import { readStops } from "./read-model";
import { APPLY_BATCH, foldKeys, preludeAnswer } from "./scripts";

/** The fold sink of the namespace `prefix`. */
export function createRedisFoldSink(client: RedisClient, prefix: string): FoldSink {
  const { redis, call } = client;
  const keys = projectionKeys(prefix);
  const applyScript = redis.createScript<unknown>(APPLY_BATCH);
  return {
    async states(ids) {
      if (ids.length === 0) return new Map();
      // Without automatic deserialization HMGET answers the plain array of values, in field order.
      const raw: unknown = await call("read states", () => redis.hmget(keys.state, ...ids));
      const values = Array.isArray(raw) ? raw : [];
      return new Map(ids.map((id, i) => [id, decodeState(values[i])]));
    },

    async applyBatch(batch, partitions, now = new Date(), lease) {
      // The first attempt supposes that no list the batch touches is purged (the script checks it), so a batch
      // costs no read more unless it purges a list; one that meets a purged list, or a list whose tasks changed
      // between their read and the script (another partition's batch), reads them and tries again (answer 5).
      for (let attempt = 0; ; attempt++) {
        const outcome = await applyOnce(batch, partitions, now, lease, attempt === 0);
        if (outcome !== "reread") return outcome;
        if (attempt >= 4) {
          throw new UpstreamError("redis", "fold batch refused: the lists it touches keep changing under it");
        }
      }
    },

    async stops() {
      return readStops(client, keys.stopped);
    },
  };

  /**
   * What the sink reads before a batch that touches named lists: which are purged (one SMISMEMBER; `optimistic`:
   * none, unread), and the tasks of those it will sweep (the purged ones and the ones the batch purges) only: the
   * members of the list's index and of its set of deleted tasks, with how many each held.
   */
  async function readLists(listIds: string[], purging: readonly string[], optimistic: boolean) {
    const flags: unknown = optimistic
      ? []
      : await call("read purged lists", () => redis.smismember(keys.purged, listIds));
    const purged = listIds.map((_, i) => Array.isArray(flags) && Number(flags[i]) === 1);
    const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    return Promise.all(
      listIds.map(async (listId, i) => {
        const swept = purged[i] === true || purging.includes(listId);
        if (!swept) return { listId, purged: false, ids: [], deleted: -1, indexed: -1 };
        const [deleted, indexed] = await call("read list tasks", () =>
          Promise.all([redis.smembers(keys.listTasks(listId)), redis.zrange(keys.list(listId), 0, -1)]),
        );
        const [d, x] = [strings(deleted), strings(indexed)];
        return {
          listId,
          purged: purged[i] === true,
          ids: [...new Set([...d, ...x])],
          deleted: d.length,
          indexed: x.length,
        };
      }),
    );
  }

  async function applyOnce(
    batch: FoldBatch,
    partitions: number,
    now: Date,
    lease: LeaseHold | undefined,
    optimistic: boolean,
  ): Promise<ApplyOutcome | "reread"> {
    {
      // Keys beyond the 10 fixed ones, each passed once; the payload names them by their 1-based Lua index.
      const extraKeys: string[] = [];
      const keyIndex = new Map<string, number>();
      const indexOf = (key: string): number => {
        let index = keyIndex.get(key);
        if (index === undefined) {
          extraKeys.push(key);
          index = 10 + extraKeys.length;
          keyIndex.set(key, index);
        }
        return index;
      };
      // One entry per key, [index, ...its values in batch order]: the script writes each with one variadic command.
      // Built in one pass per kind of write (a batch has an entry of history per event it applies).
      const grouped = <T>(items: T[], keyOf: (item: T) => string, add: (group: Group, item: T) => void) => {
        const byKey = new Map<string, Group>();
        for (const item of items) {
          const key = keyOf(item);
          let group = byKey.get(key);
          if (group === undefined) {
            group = [indexOf(key)];
            byKey.set(key, group);
          }
          add(group, item);
        }
        return [...byKey.values()];
      };
      const h = grouped(
        batch.history,
        ([taskId]) => keys.history(taskId),
        (group, [, entry]) => group.push(entry),
      );
      const la = grouped(
        batch.listAdd,
        ([listId]) => keys.list(listId),
        (group, [, score, id]) => group.push(String(score), id),
      );
      const lr = grouped(
        batch.listRemove,
        ([listId]) => keys.list(listId),
        (group, [, id]) => group.push(id),
      );
      const lt = grouped(
        batch.listTasks,
        ([listId]) => keys.listTasks(listId),
        (group, [, id]) => group.push(id),
      );
      // Every named list the batch gives a task to or deletes one of, and those it purges.
      const touched = [
        ...new Set([
          ...batch.purge,
          ...batch.listAdd.map(([listId]) => listId),
          ...batch.listTasks.map(([listId]) => listId),
        ]),
      ];
      const read = touched.length === 0 ? [] : await readLists(touched, batch.purge, optimistic);
      const pk = touched.length === 0 ? 0 : indexOf(keys.purged);
      const swept = (l: { listId: string; purged: boolean }) => l.purged || batch.purge.includes(l.listId);
      // Only a list swept needs its index and set unchanged (every task of it is removed); others, only their
      // purged flag. A list this batch purges is swept whatever its flag says; the others' flags must be as read.
      const pc = read.map((l) => [
        l.listId,
        batch.purge.includes(l.listId) ? -1 : l.purged ? 1 : 0,
        indexOf(keys.listTasks(l.listId)),
        swept(l) ? l.deleted : -1,
        indexOf(keys.list(l.listId)),
        swept(l) ? l.indexed : -1,
      ]);
      const sw = read.filter(swept).map((l) => {
        const mine = ([listId]: [string, ...unknown[]]) => listId === l.listId;
        const added = [
          ...batch.listAdd.filter(mine).map(([, , id]) => id),
          ...batch.listTasks.filter(mine).map(([, id]) => id),
        ];
        const ids = [...new Set([...l.ids, ...added])];
        return [
          indexOf(keys.list(l.listId)),
          indexOf(keys.listTasks(l.listId)),
          ...ids.flatMap((id) => [id, indexOf(keys.history(id))]),
        ];
      });
      // The states and history entries follow the fixed arguments rather than sit in the payload: each is then
      // escaped once in the request body, not twice, and the script hands them to Redis without decoding them.
      const states = statePairs(batch);
      const entries = h.flatMap((group) => group.slice(1) as string[]);
      const payload = JSON.stringify({
        s: states.length / 2,
        v: batch.expected,
        za: batch.orderAdd.flatMap(([score, id]) => [String(score), id]),
        zr: batch.orderRemove,
        h: h.map((group) => [group[0], group.length - 1]),
        la,
        lr,
        lt,
        pu: batch.purge,
        pk,
        pc,
        sw,
        d: batch.deadLetters,
        r: batch.rejected,
        c: [batch.counts.applied, batch.counts.rejected, batch.counts.dead],
        ...(batch.stop && { x: batch.stop }),
      });
      const answer = await call("apply fold batch", () =>
        applyScript.exec(
          [...foldKeys(keys, batch.partition), ...extraKeys],
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
            lease?.finish ? "finish" : "",
            ...states,
            ...entries,
          ],
        ),
      );
      return applyOutcome(answer, batch);
    }
  }
}

/** A script call's group of writes to one key: the key's index, then its values. */
type Group = Array<number | string>;

/** The batch's states as the script takes them, `[id, encoded state, ...]`, encoded by the fold when it did. */
function statePairs(batch: FoldBatch): string[] {
  const pairs: string[] = [];
  batch.states.forEach(([id, state], i) => {
    pairs.push(id, batch.stateJson?.[i] ?? encodeState(state));
  });
  return pairs;
}

/** Reads the fold script's answer (see APPLY_BATCH); a refused batch is an UpstreamError saying why. */
function applyOutcome(answer: unknown, batch: FoldBatch): ApplyOutcome | "reread" {
  if (!Array.isArray(answer) || (answer.length < 2 && toInt(answer[0]) !== 5))
    throw new UpstreamError("redis", "fold script answered an unexpected shape");
  const prelude = preludeAnswer(answer, `partition ${batch.partition} from offset ${batch.from}`);
  if (prelude) return prelude;
  switch (toInt(answer[0], -1)) {
    case 1: {
      const checkpoint = toInt(answer[1]);
      if (answer.length < 3) return { kind: "applied", checkpoint };
      const end = toInt(answer[2], -2);
      if (end !== 1 && end !== 0 && end !== -1)
        throw new UpstreamError("redis", "fold script answered an unexpected end of the fold");
      return { kind: "applied", checkpoint, end: end === 1 ? "more" : end === 0 ? "done" : "lost" };
    }
    case 4:
      throw new StaleBatchError(batch, String(answer[1]), toInt(answer[2]));
    case 5:
      return "reread";
    default:
      throw new UpstreamError("redis", "fold script answered an unexpected shape");
  }
}
