/**
 * The list registry over Upstash Redis, under the base prefix (see keys.ts): one round trip per call, two to open a
 * view capability. A request's look at a list goes through reads.ts instead, with its read in the same round trip.
 */
import { UpstreamError } from "../../errors";
import { projectionKeys } from "../../projection/keys";
import { hashPairs, type RedisClient } from "../../redis/client";
import { redisScript } from "../../redis/script";
import type { ListRecord, ListRegistry } from "../port";

/**
 * Records a list if neither its id nor its view id is taken. KEYS: meta, view. ARGV: view id, created at, list id,
 * title ('' with ARGV[5] = '0' for none), whether it has a title, data key. Returns 1 when recorded, 0 when taken.
 */
const REGISTER = `
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'view', ARGV[1], 'createdAt', ARGV[2], 'key', ARGV[6])
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'title', ARGV[4]) end
redis.call('SET', KEYS[2], ARGV[3])
return 1
`;

/**
 * Destroys a list's entry, its data key with it, and leaves a tombstone (`purged`) under its id, in one script: the
 * erasure point. KEYS: meta, view. ARGV: the view id. Returns 1 when purged, 0 when there was no such list.
 */
const PURGE = `
if redis.call('HGET', KEYS[1], 'view') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'purged', '1')
return 1
`;

/**
 * What a capability opens. KEYS: meta and view keys of the capability. Returns {'edit', {field, value, ...}} for a
 * list's id, {'purged'} for a purged list's id, {'view', listId} for a view id, {'none'} otherwise.
 */
const OPEN = `
if redis.call('HEXISTS', KEYS[1], 'purged') == 1 then return {'purged'} end
local meta = redis.call('HGETALL', KEYS[1])
if #meta > 0 then return {'edit', meta} end
local id = redis.call('GET', KEYS[2])
if id then return {'view', id} end
return {'none'}
`;

/** A list's entry as HGETALL answers it (`[field, value, ...]`), or undefined when it is no list's. */
export function decodeListRecord(id: string, raw: unknown): ListRecord | undefined {
  const fields = new Map(hashPairs(raw));
  const viewId = fields.get("view");
  const createdAt = fields.get("createdAt");
  if (typeof viewId !== "string" || typeof createdAt !== "string") return undefined;
  const title = fields.get("title");
  const key = fields.get("key");
  return {
    id,
    viewId,
    createdAt,
    title: typeof title === "string" ? title : null,
    key: typeof key === "string" && key !== "" ? key : null,
  };
}

export function createRedisListRegistry(client: RedisClient, guards: string): ListRegistry {
  const { redis, call } = client;
  const keys = projectionKeys(guards);
  const register = redisScript(redis, REGISTER);
  const open = redisScript(redis, OPEN);
  const purge = redisScript(redis, PURGE);

  const malformed = () => new UpstreamError("redis", "the list registry holds a malformed list");

  return {
    async register(list) {
      const answer = await call("register list", () =>
        register.exec(
          [keys.listMeta(list.id), keys.listView(list.viewId)],
          [
            list.viewId,
            list.createdAt,
            list.id,
            list.title ?? "",
            list.title === null ? "0" : "1",
            list.key ?? "",
          ],
        ),
      );
      return Number(answer) === 1;
    },

    async unregister(list) {
      await call("unregister list", () => redis.del(keys.listMeta(list.id), keys.listView(list.viewId)));
    },

    async purge(list) {
      const answer = await call("purge list", () =>
        purge.exec([keys.listMeta(list.id), keys.listView(list.viewId)], [list.viewId]),
      );
      return Number(answer) === 1;
    },

    async open(capability) {
      const answer = await call("open list", () =>
        open.exec([keys.listMeta(capability), keys.listView(capability)], []),
      );
      if (!Array.isArray(answer) || typeof answer[0] !== "string") throw malformed();
      if (answer[0] === "edit") {
        const list = decodeListRecord(capability, answer[1]);
        if (!list) throw malformed();
        return { mode: "edit", list };
      }
      if (answer[0] === "view" && typeof answer[1] === "string") {
        const id = answer[1];
        const meta = await call("open list", () => redis.hgetall(keys.listMeta(id)));
        const list = decodeListRecord(id, meta);
        // A view id whose list is gone (a purge in progress) opens nothing.
        return list ? { mode: "view", list } : undefined;
      }
      if (answer[0] === "none") return undefined;
      if (answer[0] === "purged") return { mode: "purged", id: capability };
      throw malformed();
    },
  };
}
