/**
 * The projection's Redis scripts. Scripts do not roll back, so the worker computes every write and a script
 * only compares and applies. Every key a script touches is passed in KEYS.
 */

/**
 * Applies one fold batch if, and only if, the partition's checkpoint still equals the batch's start.
 * Counters: `applied`, `rejected`, `dead`, and `dead:<partition>` (dead letters per partition); `batches` (folds
 * applied) and `lost` (folds that found the checkpoint moved: work thrown away, counted instead of logged).
 * KEYS: checkpoint, state, order, counters, dead, rejected, history keys...
 * ARGV: partition, expected checkpoint, new checkpoint, JSON payload
 *   {s: [[id, stateJson]], za: [[score, id]], zr: [id], h: [[keyIndex, entryJson]], d: [json], r: [json], c: [applied, rejected, dead]}
 * Returns {1, newCheckpoint} when applied, {0, storedCheckpoint} when another fold moved it first.
 */
export const APPLY_BATCH = `
local stored = redis.call('HGET', KEYS[1], ARGV[1]) or '0'
if stored ~= ARGV[2] then
  redis.call('HINCRBY', KEYS[4], 'lost', 1)
  return {0, stored}
end
local p = cjson.decode(ARGV[4])
for _, s in ipairs(p.s) do redis.call('HSET', KEYS[2], s[1], s[2]) end
for _, z in ipairs(p.za) do redis.call('ZADD', KEYS[3], z[1], z[2]) end
for _, id in ipairs(p.zr) do redis.call('ZREM', KEYS[3], id) end
for _, h in ipairs(p.h) do redis.call('RPUSH', KEYS[h[1]], h[2]) end
for _, d in ipairs(p.d) do redis.call('RPUSH', KEYS[5], d) end
for _, r in ipairs(p.r) do redis.call('RPUSH', KEYS[6], r) end
if p.c[1] > 0 then redis.call('HINCRBY', KEYS[4], 'applied', p.c[1]) end
if p.c[2] > 0 then redis.call('HINCRBY', KEYS[4], 'rejected', p.c[2]) end
if p.c[3] > 0 then
  redis.call('HINCRBY', KEYS[4], 'dead', p.c[3])
  redis.call('HINCRBY', KEYS[4], 'dead:' .. ARGV[1], p.c[3])
end
redis.call('HINCRBY', KEYS[4], 'batches', 1)
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
 * committed it. Both hold the writer's token, `<new version>:<nonce>`: a call that finds its own token already
 * there is the same writer's call retried after its answer was lost, and succeeds again.
 * KEYS: state, reservation, last-reserved. ARGV: task id, base version, new version, ttl ms, keep ms, token.
 * Returns {1, projected, reserved} on success, {0, projected, reserved} otherwise.
 */
export const RESERVE = `
local s = redis.call('HGET', KEYS[1], ARGV[1])
local projected = 0
if s then
  local st = cjson.decode(s)
  if st.status == 'active' then projected = st.task.version else projected = st.version end
end
local held = redis.call('GET', KEYS[2])
if held == ARGV[6] then return {1, projected, projected} end
local reserved = 0
if held then reserved = tonumber(string.match(held, '^%d+')) or 0 end
if projected ~= tonumber(ARGV[2]) or reserved > projected then return {0, projected, reserved} end
redis.call('SET', KEYS[2], ARGV[6], 'PX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[5])
return {1, projected, reserved}
`;

/** Drops each of KEYS that still holds the caller's value. ARGV: the value (a reservation token, a claim). */
export const RELEASE = `
local dropped = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then dropped = dropped + redis.call('DEL', key) end
end
return dropped
`;

/**
 * Claims an idempotency key: sets the claim if the key is free or still holds `replacing` (a stale claim being taken
 * over); a key that already holds this very claim is the same request's call retried after its answer was lost.
 * KEYS: the key. ARGV: the claim, ttl ms, the claim it may replace ("" for none).
 * Returns {1, claim} when claimed, {0, stored} otherwise.
 */
export const CLAIM = `
local stored = redis.call('GET', KEYS[1])
if stored == ARGV[1] then return {1, stored} end
if not stored or stored == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, ARGV[1]}
end
return {0, stored}
`;
