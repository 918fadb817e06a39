/**
 * A named list's looks over Upstash Redis (see ../reads.ts): the registry entry (under the base prefix) and the read
 * of the list (in the live namespace) in one script, so a read of a named list is one round trip, as one of the
 * default list is. Every key the script touches is passed in KEYS, so the list's keys must be known before the
 * script runs: through a list's id they are the id's own; a view id's list id is learned from the registry the
 * first time the isolate sees the view id (one more round trip) and kept, since it never changes (a purge only
 * removes it, and the script then finds that the list's entry no longer names the view id).
 */
import { UpstreamError } from "../../errors";
import { decodeHistoryEntry, decodeState, toInt } from "../../projection/codec";
import { projectionKeys } from "../../projection/keys";
import { checkpointMap, decodeCursorPage, decodeTaskPage } from "../../projection/redis/read-model";
import { LIST_PAGE, LIST_TASKS } from "../../projection/redis/scripts";
import type { RedisClient } from "../../redis/client";
import { redisScript } from "../../redis/script";
import type { ListReads, Look, LookOptions, TaskRead } from "../reads";
import { decodeListRecord } from "./registry";

/**
 * The registry part of every look, before the read (`read()`, a page script's own body, or another read). KEYS: the
 * read's keys (the list's sorted set, the states, the checkpoints, then any of its own), then the registry's meta
 * and view keys. ARGV: the read's arguments, then the view id the meta must name ('' when the capability itself is
 * looked up).
 * Returns {{'edit' or 'view', {field, value, ...}}, read} for a list, {{'none', size}, read} for no list,
 * {{'purged'}} for a purged list's id, {{'viewOf', listId}} for a view id (its list is to be looked at with it),
 * {{'stale'}} when the meta does not name the view id (its list was purged).
 */
const look = (read: string) => `
local meta, view, viewing = KEYS[#KEYS - 1], KEYS[#KEYS], ARGV[#ARGV]
local seen
if viewing ~= '' then
  if redis.call('HGET', meta, 'view') ~= viewing then return {{'stale'}} end
  seen = {'view', redis.call('HGETALL', meta)}
elseif redis.call('HEXISTS', meta, 'purged') == 1 then
  return {{'purged'}}
else
  local fields = redis.call('HGETALL', meta)
  if #fields > 0 then
    seen = {'edit', fields}
  else
    local id = redis.call('GET', view)
    if id then return {{'viewOf', id}} end
    seen = {'none', redis.call('ZCARD', KEYS[1])}
  end
end
local function read()
${read}
end
return {seen, read()}
`;

const NOTHING = "return 0";
/** The list's size and the checkpoints it was read at (a create's bound, see ListSize). */
const SIZE = "return {redis.call('ZCARD', KEYS[1]), redis.call('HGETALL', KEYS[3])}";
/** A task's state (ARGV[1]: its id) and the checkpoints; with its history's key (KEYS[4]), a range of it too. */
const TASK = "return {redis.call('HGETALL', KEYS[3]), redis.call('HGET', KEYS[2], ARGV[1])}";
const HISTORY = `return {redis.call('HGETALL', KEYS[3]), redis.call('HGET', KEYS[2], ARGV[1]),
  redis.call('LRANGE', KEYS[4], ARGV[2], ARGV[3])}`;

/** The look scripts, by what they read. */
const SCRIPTS = {
  open: look(NOTHING),
  sized: look(SIZE),
  list: look(LIST_TASKS),
  listAfter: look(LIST_PAGE),
  task: look(TASK),
  history: look(HISTORY),
};
type Kind = keyof typeof SCRIPTS;

/** View ids the isolate has seen, with their lists' ids (bounded; the oldest dropped first). */
const VIEWS_KEPT = 1000;
const views = new Map<string, string>();

function remember(view: string, listId: string): void {
  views.set(view, listId);
  for (const oldest of views.keys()) {
    if (views.size <= VIEWS_KEPT) break;
    views.delete(oldest);
  }
}

/** The looks of the lists registered under `guards`, reading the projection's namespace `namespace`. */
export function createRedisListReads(
  client: RedisClient,
  at: { guards: string; namespace: string },
): ListReads {
  const { redis, call } = client;
  const registry = projectionKeys(at.guards);
  const projection = projectionKeys(at.namespace);
  // Making a script digests nothing (its SHA-1 is kept per isolate), so one is made per look.
  const script = (kind: Kind) => redisScript(redis, SCRIPTS[kind]);
  const malformed = () => new UpstreamError("redis", "the list look script answered an unexpected shape");

  /**
   * Looks at `capability` with the script `kind`, whose read takes `args`, decoding the read with `decode`: one
   * round trip, two for a view id the isolate has not seen (at most one with `again`).
   */
  async function lookAt<T>(
    kind: Kind,
    capability: string,
    args: string[],
    decode: (raw: unknown) => T,
    options: LookOptions = {},
    more: string[] = [],
  ): Promise<Look<T>> {
    const cacheKey = `${at.guards}\n${capability}`;
    let listId = views.get(cacheKey);
    let learned = false;
    for (let budget = options.again ? 1 : 2; ; ) {
      budget--;
      const id = listId ?? capability;
      const keys = [projection.list(id), projection.state, projection.checkpoint, ...more];
      const answer = await call("look at list", () =>
        script(kind).exec(
          [...keys, registry.listMeta(id), registry.listView(capability)],
          [...args, listId === undefined ? "" : capability],
        ),
      );
      if (!Array.isArray(answer) || !Array.isArray(answer[0])) throw malformed();
      const [what, value] = answer[0];
      if (what === "edit" || what === "view") {
        const list = decodeListRecord(id, value);
        if (!list) throw malformed();
        return { kind: "list", mode: what, list, read: decode(answer[1]) };
      }
      if (what === "none") {
        const size = toInt(value);
        return size > 0 ? { kind: "unlisted", size, read: decode(answer[1]) } : { kind: "none" };
      }
      if (what === "purged") return { kind: "purged" };
      if (what === "stale") {
        views.delete(cacheKey);
        // The view id's list was purged (a purge deletes the view id with it): it opens nothing, as the registry says.
        if (learned || budget === 0) return { kind: "none" };
        listId = undefined;
        continue;
      }
      if (what !== "viewOf" || typeof value !== "string") throw malformed();
      // Past the budget a view id is not followed: only with `again`, for a view id minted after the first look.
      if (budget === 0) return { kind: "none" };
      remember(cacheKey, value);
      listId = value;
      learned = true;
    }
  }

  return {
    open: (capability, options) => lookAt("open", capability, [], () => undefined, options),
    sized: (capability, options) =>
      lookAt(
        "sized",
        capability,
        [],
        (raw) => {
          if (!Array.isArray(raw)) throw malformed();
          return { size: toInt(raw[0]), checkpoints: checkpointMap(raw[1]) };
        },
        options,
      ),
    list: (capability, offset, limit, options) =>
      lookAt("list", capability, [String(offset), String(offset + limit - 1)], decodeTaskPage, options),
    listAfter: (capability, limit, after, options) =>
      lookAt(
        "listAfter",
        capability,
        [String(limit + 1), after ? String(after.score) : ""],
        (raw) => decodeCursorPage(raw, limit, after),
        options,
      ),
    task: (capability, taskId, options) => lookAt("task", capability, [taskId], decodeTaskRead, options),
    history: (capability, taskId, range, options) =>
      lookAt(
        "history",
        capability,
        [taskId, String(range.offset), String(range.offset + range.limit - 1)],
        (raw) => {
          const read = decodeTaskRead(raw);
          const entries = Array.isArray(raw) ? raw[2] : undefined;
          if (!Array.isArray(entries)) throw malformed();
          return { ...read, history: entries.map(decodeHistoryEntry) };
        },
        options,
        [projection.history(taskId)],
      ),
  };

  function decodeTaskRead(raw: unknown): TaskRead {
    if (!Array.isArray(raw)) throw malformed();
    return { checkpoints: checkpointMap(raw[0]), state: decodeState(raw[1]) };
  }
}
