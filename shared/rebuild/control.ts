/**
 * Rebuilding a projection beside the live one: a rebuild folds the whole log into a new namespace
 * (`<base>:g<generation>`), and once that namespace has caught up with the log head on every partition one script
 * makes it the live one. The old namespace is retired: still folded for the grace period (a worker may read it
 * until its cached pointer expires, see namespace.ts), then deleted in bounded chunks (cleanup.ts).
 */
import { UpstreamError } from "../errors";
import { storedObject, toInt } from "../projection/codec";
import { projectionKeys } from "../projection/keys";
import { hashPairs, type RedisClient } from "../redis/client";
import { redisScript } from "../redis/script";
import { namespaceKeys } from "./namespace";
import {
  FOLD_MARGIN_MS,
  type RebuildRecord,
  type RetiredNamespace,
  type StartAnswer,
  type SwitchAnswer,
} from "./port";
import { FAIL_REBUILD, START_REBUILD, SWITCH_LIVE } from "./scripts";

export type RebuildControl = ReturnType<typeof createRebuildControl>;

/** The rebuild record, history and retired namespaces of one base prefix. */
export function createRebuildControl(client: RedisClient, base: string) {
  const { redis, call } = client;
  const keys = namespaceKeys(base);
  const scripts = {
    start: redisScript(redis, START_REBUILD),
    switch: redisScript(redis, SWITCH_LIVE),
    fail: redisScript(redis, FAIL_REBUILD),
  };
  return {
    base,

    /** Starts a rebuild (its namespace is empty and folded from offset 0), or names the one running. */
    async start(now: Date, liveNamespace: string): Promise<StartAnswer> {
      const answer = await call("start a rebuild", () =>
        scripts.start.exec(
          [keys.rebuild, keys.generation, keys.pointer, keys.retired],
          [base, now.toISOString()],
        ),
      );
      if (!Array.isArray(answer) || answer.length !== 2)
        throw new UpstreamError("redis", "start-rebuild script answered an unexpected shape");
      const namespace = String(answer[1]);
      if (toInt(answer[0]) !== 1) return { started: false, running: namespace };
      // The new namespace is folded from the same log: it carries the same identity record as the live one.
      const identity = await call("read the log identity", () =>
        redis.get<string>(projectionKeys(liveNamespace).logIdentity),
      );
      if (identity !== null && identity !== undefined)
        await call("copy the log identity", () =>
          redis.set(projectionKeys(namespace).logIdentity, String(identity), { nx: true }),
        );
      return { started: true, namespace };
    },

    /** The running rebuild, or the last one when none runs (undefined before the first). */
    async current(): Promise<RebuildRecord | undefined> {
      return parseRecord(await call("read the rebuild", () => redis.get<string>(keys.rebuild)));
    },

    /** The newest ended rebuilds, newest first. */
    async history(count = 10): Promise<RebuildRecord[]> {
      const raw = await call("read the rebuild history", () =>
        redis.lrange<string>(keys.history, 0, count - 1),
      );
      return raw.flatMap((r) => {
        const record = parseRecord(r);
        return record ? [record] : [];
      });
    },

    /**
     * Switches the live pointer to `namespace` if its checkpoints have reached `heads` (read just before) on every
     * partition. The old namespace is folded `foldMs` more and deleted after `graceMs`.
     */
    async switchLive(
      namespace: string,
      heads: readonly number[],
      now: Date,
      graceMs: number,
    ): Promise<SwitchAnswer> {
      const due = now.getTime() + graceMs;
      const answer = await call("switch the live namespace", () =>
        scripts.switch.exec(
          [keys.rebuild, keys.pointer, projectionKeys(namespace).checkpoint, keys.retired, keys.history],
          [
            namespace,
            base,
            now.toISOString(),
            String(due),
            String(due - Math.min(graceMs, FOLD_MARGIN_MS)),
            String(heads.length),
            ...heads.map(String),
          ],
        ),
      );
      if (!Array.isArray(answer))
        throw new UpstreamError("redis", "switch script answered an unexpected shape");
      const code = toInt(answer[0], -1);
      if (code === 1) return { kind: "switched", old: String(answer[1]) };
      if (code === 2)
        return {
          kind: "behind",
          partition: toInt(answer[1]),
          checkpoint: toInt(answer[2]),
          head: toInt(answer[3]),
        };
      if (code === 0) return { kind: "not-running" };
      throw new UpstreamError("redis", "switch script answered an unexpected shape");
    },

    /** Ends the running rebuild of `namespace` as failed; the live namespace is untouched. */
    async fail(namespace: string, reason: string, now: Date): Promise<boolean> {
      const answer = await call("record a failed rebuild", () =>
        scripts.fail.exec(
          [keys.rebuild, keys.retired, keys.history],
          [namespace, reason, now.toISOString(), String(now.getTime())],
        ),
      );
      return toInt(answer) === 1;
    },

    /** Namespaces waiting for (or in) their clean-up. */
    async retired(): Promise<RetiredNamespace[]> {
      const raw: unknown = await call("read retired namespaces", () => redis.hgetall(keys.retired));
      return hashPairs(raw).flatMap(([namespace, value]) => {
        const entry = parseRetired(namespace, value);
        return entry ? [entry] : [];
      });
    },

    /** Records where a clean-up is, so the next chunk goes on from there. */
    async saveRetired(entry: RetiredNamespace): Promise<void> {
      const { namespace, ...rest } = entry;
      await call("save clean-up progress", () =>
        redis.hset(keys.retired, { [namespace]: JSON.stringify(rest) }),
      );
    },

    async forgetRetired(namespace: string): Promise<void> {
      await call("end a clean-up", () => redis.hdel(keys.retired, namespace));
    },
  };
}

function parseRecord(raw: unknown): RebuildRecord | undefined {
  if (raw === null || raw === undefined) return undefined;
  const v = storedObject(raw);
  if (v === undefined || typeof v.namespace !== "string" || typeof v.startedAt !== "string") return undefined;
  if (v.state !== "running" && v.state !== "switched" && v.state !== "failed") return undefined;
  return {
    namespace: v.namespace,
    generation: typeof v.generation === "number" ? v.generation : 0,
    from: typeof v.from === "string" ? v.from : "",
    state: v.state,
    startedAt: v.startedAt,
    ...(typeof v.endedAt === "string" && { endedAt: v.endedAt }),
    ...(typeof v.reason === "string" && { reason: v.reason }),
    ...(typeof v.retired === "string" && { retired: v.retired }),
  };
}

function parseRetired(namespace: string, raw: unknown): RetiredNamespace | undefined {
  const v = storedObject(raw);
  if (v === undefined || typeof v.due !== "number") return undefined;
  return {
    namespace,
    due: v.due,
    foldUntil: typeof v.foldUntil === "number" ? v.foldUntil : 0,
    ...(typeof v.stage === "number" && { stage: v.stage }),
    ...(typeof v.cursor === "string" && { cursor: v.cursor }),
  };
}
