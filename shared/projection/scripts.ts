/**
 * The projection's Redis scripts. Scripts do not roll back, so the worker computes every write and a script
 * only compares and applies. Every key a script touches is passed in KEYS.
 */

/**
 * Applies one fold batch if, and only if, the partition's checkpoint still equals the batch's start.
 * Counters: `applied`, `rejected`, `dead`, and `dead:<partition>` (dead letters per partition).
 * KEYS: checkpoint, state, order, counters, dead, rejected, then history and named-list keys...
 * ARGV: partition, expected checkpoint, new checkpoint, JSON payload
 *   {s: [[id, stateJson]], za: [[score, id]], zr: [id], h: [[keyIndex, entryJson]],
 *    la: [[keyIndex, score, id]], lr: [[keyIndex, id]], d: [json], r: [json], c: [applied, rejected, dead]}
 *   (za/zr index the default list in `order`; la/lr a named list's sorted set; la/lr may be absent)
 * Returns {1, newCheckpoint} when applied, {0, storedCheckpoint} when another fold moved it first.
 */
export const APPLY_BATCH = `
local stored = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
if stored ~= ARGV[2] then return {0, stored} end
local p = cjson.decode(ARGV[4])
for _, s in ipairs(p.s) do redis.call('HSET', KEYS[2], s[1], s[2]) end
for _, z in ipairs(p.za) do redis.call('ZADD', KEYS[3], z[1], z[2]) end
for _, id in ipairs(p.zr) do redis.call('ZREM', KEYS[3], id) end
for _, z in ipairs(p.la or {}) do redis.call('ZADD', KEYS[z[1]], z[2], z[3]) end
for _, z in ipairs(p.lr or {}) do redis.call('ZREM', KEYS[z[1]], z[2]) end
for _, h in ipairs(p.h) do redis.call('RPUSH', KEYS[h[1]], h[2]) end
for _, d in ipairs(p.d) do redis.call('RPUSH', KEYS[5], d) end
for _, r in ipairs(p.r) do redis.call('RPUSH', KEYS[6], r) end
if p.c[1] > 0 then redis.call('HINCRBY', KEYS[4], 'applied', p.c[1]) end
if p.c[2] > 0 then redis.call('HINCRBY', KEYS[4], 'rejected', p.c[2]) end
if p.c[3] > 0 then
  redis.call('HINCRBY', KEYS[4], 'dead', p.c[3])
  redis.call('HINCRBY', KEYS[4], 'dead:' .. ARGV[1], p.c[3])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
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
 * Reserves the versions a writer is about to append for one task, if the projected version is still the one it
 * decided on and no other writer holds a higher reservation. The reservation expires after `ttl`; a copy of it
 * (last-reserved) is kept `keep` ms, so that a later writer knows an append that got no answer may have
 * committed it.
 * KEYS: state, reservation, last-reserved. ARGV: task id, base version, new version, ttl ms, keep ms.
 * Returns {1, projected, reserved} on success, {0, projected, reserved} otherwise.
 */
export const RESERVE = `
local s = redis.call('HGET', KEYS[1], ARGV[1])
local projected = 0
if s then
  local st = cjson.decode(s)
  if st.status == 'active' then projected = st.task.version else projected = st.version end
end
local reserved = tonumber(redis.call('GET', KEYS[2]) or '0')
if projected ~= tonumber(ARGV[2]) or reserved > projected then return {0, projected, reserved} end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[5])
return {1, projected, reserved}
`;

/** Drops each of KEYS that still holds the caller's value. ARGV: the value (a reserved version, a claim token). */
export const RELEASE = `
local dropped = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then dropped = dropped + redis.call('DEL', key) end
end
return dropped
`;
