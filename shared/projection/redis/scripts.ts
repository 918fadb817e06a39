import { UpstreamError } from "../../errors";
import { toInt } from "../codec";
import type { ProjectionKeys } from "../keys";

/**
 * The projection's Redis scripts. Scripts do not roll back, so the worker computes every write and a script
 * only compares and applies. Every key a script touches is passed in KEYS.
 */

/**
 * What every fold script starts with (KEYS 1 to 10 and ARGV 1, 2, 5, 6, 8 and 9 as APPLY_BATCH has them): the
 * fixed keys' types, the checkpoint's compare-and-set (a fold that lost it counts `lost` and answers {0, stored}),
 * the partition count (a mismatch records the stop and answers {2, stored count}); then the functions the scripts
 * share: `stop`, `badCounters` (a counter that is not an integer, or nil) and `settle`, which ends an applied batch.
 */
/** FOLD_PRELUDE's KEYS 1 to 10 for a batch of `partition`, in their order. */
export function foldKeys(keys: ProjectionKeys, partition: number): string[] {
  return [
    keys.checkpoint,
    keys.state,
    keys.order,
    keys.counters,
    keys.dead,
    keys.rejected,
    keys.stopped,
    keys.partitions,
    keys.foldLease(partition),
    keys.foldMore(partition),
  ];
}

/**
 * FOLD_PRELUDE's own answers, read: another fold moved the checkpoint, the partition count differs, or a key was
 * refused (an UpstreamError naming it); undefined for any other answer. `where` names the batch.
 */
export function preludeAnswer(
  answer: unknown[],
  where: string,
): { kind: "moved"; checkpoint: number } | { kind: "mismatch"; partitions: number } | undefined {
  switch (toInt(answer[0], -1)) {
    case 0:
      return { kind: "moved", checkpoint: toInt(answer[1]) };
    case 2:
      return { kind: "mismatch", partitions: toInt(answer[1]) };
    case 3:
      throw new UpstreamError(
        "redis",
        `fold of ${where} refused, nothing written: ${String(answer[1])} ${String(answer[2])}`,
      );
    default:
      return undefined;
  }
}

export const FOLD_PRELUDE = `
local function kind(key) return redis.call('TYPE', key).ok end
local fixed = {{1, 'hash'}, {2, 'hash'}, {3, 'zset'}, {4, 'hash'}, {5, 'list'}, {6, 'list'}, {7, 'hash'}, {8, 'string'},
  {9, 'string'}, {10, 'string'}}
for _, f in ipairs(fixed) do
  local t = kind(KEYS[f[1]])
  if t ~= 'none' and t ~= f[2] then return {3, KEYS[f[1]], 'holds a ' .. t .. ', not a ' .. f[2]} end
end
local stored = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
if stored ~= ARGV[2] then
  redis.call('HINCRBY', KEYS[4], 'lost', 1)
  return {0, stored}
end
local function stop(offset, reason)
  local current = redis.call('HGET', KEYS[7], ARGV[1])
  if current then
    local ok, old = pcall(cjson.decode, current)
    if ok and type(old) == 'table' and old.offset == offset and old.reason == reason then return end
  end
  redis.call('HSET', KEYS[7], ARGV[1], cjson.encode({offset = offset, reason = reason, since = ARGV[6]}))
end
local count = redis.call('GET', KEYS[8])
if count and count ~= ARGV[5] then
  stop(tonumber(ARGV[2]), 'the projection was folded with ' .. count .. ' partitions, but this projector\\'s ' ..
    'EVENT_LOG_PARTITIONS is ' .. ARGV[5] .. ': refusing to fold until they agree')
  return {2, count}
end
local function badCounters()
  for _, field in ipairs({'applied', 'rejected', 'dead', 'dead:' .. ARGV[1], 'batches'}) do
    local n = redis.call('HGET', KEYS[4], field)
    if n and not string.match(n, '^%-?%d+$') then return {3, KEYS[4], field .. ' is not an integer'} end
  end
end
-- Ends an applied batch: counts it, moves the checkpoint to 'to', renews the lease if it is still the folder's or,
-- when 'finish', ends the fold as END_FOLD does (answers 1: a poke marked more work, its mark taken and the lease
-- renewed; 0: the lease let go; -1: the lease was not the folder's; nil when not finishing); records the stop 'x'
-- ({offset, reason}) or clears the partition's.
local function settle(to, finish, x)
  redis.call('HINCRBY', KEYS[4], 'batches', 1)
  redis.call('HSET', KEYS[1], ARGV[1], to)
  local held = ARGV[8] ~= '' and redis.call('GET', KEYS[9]) == ARGV[8]
  local ended = nil
  if finish then
    if not held then ended = -1
    elseif redis.call('DEL', KEYS[10]) == 1 then ended = 1
    else
      redis.call('DEL', KEYS[9])
      ended = 0
      held = false
    end
  end
  if held then redis.call('PEXPIRE', KEYS[9], ARGV[9]) end
  if x then stop(x.offset, x.reason) else redis.call('HDEL', KEYS[7], ARGV[1]) end
  return ended
end
`;

/**
 * Applies one fold batch if, and only if, the partition's checkpoint still equals the batch's start, and only
 * after checking everything it will write (scripts do not roll back, so an error half-way would leave half a
 * batch): the type of every key (of the tasks' history keys, only when one of them exists: none has a type then),
 * the counters' values, and that each task's stored version is the one the batch was folded from. The first fold
 * records the partition count; a fold configured with another count changes nothing but the partition's stop record.
 * Counters: `applied`, `rejected`, `dead`, and `dead:<partition>` (dead letters per partition); `batches` (folds
 * applied) and `lost` (folds that found the checkpoint moved: work thrown away, counted instead of logged).
 * KEYS: checkpoint, state, order, counters, dead, rejected, stopped, partitions, the partition's fold lease and
 *   its more-work mark, then history and named-list keys...
 * ARGV: partition, expected checkpoint, new checkpoint, JSON payload, partition count, now (ISO), problems kept,
 *   the folder's lease token ('' for none) and the lease's time to live in ms: an applied batch renews the lease
 *   if it is still the folder's, so the lease can be short and a dead folder's passes on soon; then 'finish' when
 *   the batch reached the log's end: the fold ends with it as END_FOLD's finish does (see fold-lease.ts) or '';
 *   then the batch's states as `s` pairs of id and state JSON, then its history entries, `h`'s counts of them in
 *   order. They follow the payload rather than sit in it: escaped once in the request, not twice, and never
 *   decoded here. The payload:
 *   {s: count, v: [[id, expectedVersion]], za: [score, id, ...], zr: [id, ...],
 *    h: [[keyIndex, count]], la: [[keyIndex, score, id, ...]], lr: [[keyIndex, id, ...]], d: [json],
 *    r: [json], c: [applied, rejected, dead], x: {offset, reason} (optional: stop here),
 *    lt: [[keyIndex, id, ...]], pu: [listId, ...], pk: keyIndex,
 *    pc: [[listId, 0|1|-1, setKeyIndex, count, indexKeyIndex, count]],
 *    sw: [[listKeyIndex, tasksKeyIndex, id, historyKeyIndex, ...]]}
 *   (za/zr index the default list in `order`; la/lr a named list's sorted set; la/lr may be absent; lt adds to a
 *   named list's set of its deleted tasks; pu lists purged, added to the set of purged lists at index pk; pc what
 *   the sink read or supposed before, per list the batch touches: whether it was purged (-1: not checked) and, for a
 *   list it sweeps, how many tasks its set of deleted tasks and its index held (-1: not checked); sw the
 *   lists to sweep: their index, their set and each task with its history key). Each key is written with one
 *   variadic command per batch (per 1,000 arguments), its arguments in the order given.
 * Returns {1, newCheckpoint} when applied (with 'finish': {1, newCheckpoint, end}, end 1 when a poke marked more
 * work (the mark taken, the lease renewed), 0 when the lease was let go, -1 when it was not the folder's),
 * {0, storedCheckpoint} when another fold moved it first,
 * {2, storedCount} on a partition-count mismatch, {3, key, problem} when a key cannot be written (nothing was),
 * {4, taskId, storedVersion} when a task's state is not the one the batch was folded from (nothing was written),
 * {5} when a list the batch touches was purged, or a list it sweeps given or relieved of a task, since the sink
 * read it (nothing was written).
 */
export const APPLY_BATCH = `${FOLD_PRELUDE}
local p = cjson.decode(ARGV[4])
local given = 10 + 2 * p.s
for _, h in ipairs(p.h) do given = given + h[2] end
if given ~= #ARGV then return {3, KEYS[2], 'the batch names ' .. given .. ' arguments but ' .. #ARGV .. ' came'} end
local checked = {}
local function expect(index, want)
  if checked[index] then return nil end
  checked[index] = true
  local t = kind(KEYS[index])
  if t ~= 'none' and t ~= want then return {3, KEYS[index], 'holds a ' .. t .. ', not a ' .. want} end
end
-- A history key per task: one EXISTS for them all, and each one's type only when some exist (a batch of new tasks
-- has none), since a call from a script costs more than the command it runs.
local histories = {}
for _, h in ipairs(p.h) do histories[#histories + 1] = KEYS[h[1]] end
local existing = 0
for i = 1, #histories, 1000 do
  existing = existing + redis.call('EXISTS', unpack(histories, i, math.min(i + 999, #histories)))
end
if existing > 0 then
  for _, h in ipairs(p.h) do
    local bad = expect(h[1], 'list')
    if bad then return bad end
  end
end
for _, z in ipairs(p.la or {}) do
  local bad = expect(z[1], 'zset')
  if bad then return bad end
end
for _, z in ipairs(p.lr or {}) do
  local bad = expect(z[1], 'zset')
  if bad then return bad end
end
local badCount = badCounters()
if badCount then return badCount end
-- Each state's stored version, read with one HMGET per 1,000 states (a missing one reads as false).
for i = 1, #p.v, 1000 do
  local last = math.min(i + 999, #p.v)
  local ids = {}
  for k = i, last do ids[#ids + 1] = p.v[k][1] end
  local stored = redis.call('HMGET', KEYS[2], unpack(ids))
  for k = i, last do
    local v = p.v[k]
    local s = stored[k - i + 1]
    local version = 0
    if s then
      local ok, st = pcall(cjson.decode, s)
      if not ok or type(st) ~= 'table' then return {3, KEYS[2], 'holds a malformed state for ' .. v[1]} end
      if st.status == 'active' and type(st.task) == 'table' then version = st.task.version else version = st.version end
      if type(version) ~= 'number' then return {3, KEYS[2], 'holds a malformed state for ' .. v[1]} end
    end
    if version ~= v[2] then return {4, v[1], version} end
  end
end
for _, c in ipairs(p.pc or {}) do
  if c[2] >= 0 and redis.call('SISMEMBER', KEYS[p.pk], c[1]) ~= c[2] then return {5} end
  if c[4] >= 0 and redis.call('SCARD', KEYS[c[3]]) ~= c[4] then return {5} end
  if c[6] >= 0 and redis.call('ZCARD', KEYS[c[5]]) ~= c[6] then return {5} end
end
if not count then redis.call('SET', KEYS[8], ARGV[5]) end
local function many(command, key, args, from, to)
  to = to or #args
  for i = from, to, 1000 do redis.call(command, key, unpack(args, i, math.min(i + 999, to))) end
end
local at = 11 + 2 * p.s
many('HSET', KEYS[2], ARGV, 11, at - 1)
many('ZADD', KEYS[3], p.za, 1)
many('ZREM', KEYS[3], p.zr, 1)
for _, z in ipairs(p.la or {}) do many('ZADD', KEYS[z[1]], z, 2) end
for _, z in ipairs(p.lr or {}) do many('ZREM', KEYS[z[1]], z, 2) end
for _, h in ipairs(p.h) do
  many('RPUSH', KEYS[h[1]], ARGV, at, at + h[2] - 1)
  at = at + h[2]
end
for _, t in ipairs(p.lt or {}) do many('SADD', KEYS[t[1]], t, 2) end
if p.pu and #p.pu > 0 then many('SADD', KEYS[p.pk], p.pu, 1) end
for _, w in ipairs(p.sw or {}) do
  for i = 3, #w, 2 do
    redis.call('HDEL', KEYS[2], w[i])
    redis.call('DEL', KEYS[w[i + 1]])
  end
  redis.call('DEL', KEYS[w[1]], KEYS[w[2]])
end
many('RPUSH', KEYS[5], p.d, 1)
many('RPUSH', KEYS[6], p.r, 1)
if #p.d > 0 then redis.call('LTRIM', KEYS[5], -tonumber(ARGV[7]), -1) end
if #p.r > 0 then redis.call('LTRIM', KEYS[6], -tonumber(ARGV[7]), -1) end
if p.c[1] > 0 then redis.call('HINCRBY', KEYS[4], 'applied', p.c[1]) end
if p.c[2] > 0 then redis.call('HINCRBY', KEYS[4], 'rejected', p.c[2]) end
if p.c[3] > 0 then
  redis.call('HINCRBY', KEYS[4], 'dead', p.c[3])
  redis.call('HINCRBY', KEYS[4], 'dead:' .. ARGV[1], p.c[3])
end
local ended = settle(ARGV[3], ARGV[10] == 'finish', p.x)
if ended then return {1, ARGV[3], ended} end
return {1, ARGV[3]}
`;

/**
 * One page of active tasks in creation order, with the total and every partition's checkpoint, in one round trip.
 * KEYS: order, state, checkpoint. ARGV: start, stop (ZRANGE indexes).
 * Returns {total, {partition, offset, ...}, {stateJson, ...}}.
 */
export const LIST_TASKS = `
local ids = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2])
local total = redis.call('ZCARD', KEYS[1])
local checkpoints = redis.call('HGETALL', KEYS[3])
local out = {}
for i = 1, #ids, 500 do
  local chunk = {}
  for j = i, math.min(i + 499, #ids) do chunk[#chunk + 1] = ids[j] end
  local states = redis.call('HMGET', KEYS[2], unpack(chunk))
  for _, s in ipairs(states) do
    if s then out[#out + 1] = s end
  end
end
return {total, checkpoints, out}
`;

/**
 * One page of a list by cursor, with every partition's checkpoint, in one round trip. Without a cursor score, the
 * first ARGV[1] entries; with one, the entries sharing its score (the caller drops those up to the cursor's id: Lua
 * compares strings by locale, a sorted set by bytes) and then ARGV[1] entries of higher scores. One more entry than
 * the page is asked for, to tell whether a next page exists.
 * KEYS: list (sorted set), state, checkpoint. ARGV: count, cursor score ('' for the start).
 * Returns {{partition, offset, ...}, {id, score, ...}, {stateJson or false, ...}} (states in the order of the ids).
 */
export const LIST_PAGE = `
local count = tonumber(ARGV[1])
local entries
if ARGV[2] == '' then
  entries = redis.call('ZRANGE', KEYS[1], 0, count - 1, 'WITHSCORES')
else
  entries = redis.call('ZRANGE', KEYS[1], ARGV[2], ARGV[2], 'BYSCORE', 'WITHSCORES')
  local later = redis.call('ZRANGE', KEYS[1], '(' .. ARGV[2], '+inf', 'BYSCORE', 'LIMIT', 0, count, 'WITHSCORES')
  for _, v in ipairs(later) do entries[#entries + 1] = v end
end
local checkpoints = redis.call('HGETALL', KEYS[3])
local states = {}
for i = 1, #entries, 1000 do
  local chunk = {}
  for j = i, math.min(i + 999, #entries), 2 do chunk[#chunk + 1] = entries[j] end
  for _, s in ipairs(redis.call('HMGET', KEYS[2], unpack(chunk))) do states[#states + 1] = s end
end
return {checkpoints, entries, states}
`;
