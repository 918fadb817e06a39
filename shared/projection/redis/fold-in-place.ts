/**
 * The fold inside Redis (see ../fold-in-place.ts) over Upstash Redis: one script, FOLD_IN_PLACE (in-place-script.ts),
 * reads a partition's stream from the checkpoint, folds what it can fold exactly as the worker would, and writes it
 * as APPLY_BATCH writes a batch.
 */
import { UpstreamError } from "../../errors";
import { nextOffsetKey, streamKey } from "../../event-log/redis-streams/event-log";
import type { RedisClient } from "../../redis/client";
import { toInt } from "../codec";
import type { InPlaceFold, InPlaceOutcome } from "../fold-in-place";
import { projectionKeys } from "../keys";
import { FOLD_IN_PLACE } from "./in-place-script";
import { foldKeys, preludeAnswer } from "./scripts";

/** The fold inside Redis of the namespace `prefix`, over the stream of `topic` in the same database. */
export function createRedisInPlaceFold(
  client: RedisClient,
  prefix: string,
  topic: string,
  ready: () => Promise<void> = async () => {},
): InPlaceFold {
  const { redis, call } = client;
  const keys = projectionKeys(prefix);
  const script = redis.createScript<unknown>(FOLD_IN_PLACE);
  return {
    async fold({ partition, from, limit, partitions, now, lease, lists }) {
      // The log's identity is checked before its first use, as the worker's reads check it.
      await ready();
      const answer = await call("fold in place", () =>
        script.exec(
          [
            ...foldKeys(keys, partition),
            keys.purged,
            streamKey(topic, partition),
            nextOffsetKey(topic, partition),
          ],
          [
            String(partition),
            String(from),
            String(limit),
            prefix,
            String(partitions),
            now.toISOString(),
            lists ? "lists" : "",
            lease.token,
            String(lease.ttlMs),
          ],
        ),
      );
      return inPlaceOutcome(answer, partition, from);
    },
  };
}

/** Reads FOLD_IN_PLACE's answer; a refusal is an UpstreamError saying why. */
function inPlaceOutcome(answer: unknown, partition: number, from: number): InPlaceOutcome {
  const bad = () => new UpstreamError("redis", "fold-in-place script answered an unexpected shape");
  if (!Array.isArray(answer) || answer.length < 1) throw bad();
  const prelude = preludeAnswer(answer, `partition ${partition} from offset ${from}`);
  if (prelude) return prelude;
  switch (toInt(answer[0], -1)) {
    case 1: {
      if (answer.length < 5 || (answer.length - 5) % 2 !== 0) throw bad();
      const end = toInt(answer[3], -3);
      if (end !== 1 && end !== 0 && end !== -1 && end !== -2) throw bad();
      const lists: Record<string, string[]> = {};
      for (let i = 5; i < answer.length; i += 2) {
        const listId = String(answer[i]);
        const ids = lists[listId] ?? [];
        ids.push(String(answer[i + 1]));
        lists[listId] = ids;
      }
      return {
        kind: "applied",
        checkpoint: toInt(answer[1]),
        applied: toInt(answer[2]),
        ...(end !== -2 && { end: end === 1 ? "more" : end === 0 ? "done" : "lost" }),
        ...(toInt(answer[4]) === 1 && { handoff: true }),
        ...(answer.length > 5 && { lists }),
      };
    }
    case 6:
      return { kind: "handoff" };
    default:
      throw bad();
  }
}
